import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { routesDir } from './helpers/routes'

// HTTP APIs (apigatewayv2) end to end: the example export served unchanged, route precedence,
// stages, parameter mapping, route throttling and HTTP API error bodies, against `gateway serve`.

let fixture: Fixture

/** The example in routes/, its public backend pointed at the test backend: otherwise as AWS exports it. */
const example = async (port: number) =>
  (await readFile(new URL('../../routes/shop-http-api.yaml', import.meta.url), 'utf8')).replaceAll('https://petstore-demo-endpoint.execute-api.com', `http://127.0.0.1:${port}`)

const proxyTo = (uri: string, extra = '') => `
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        payloadFormatVersion: "1.0"
        uri: "${uri}"${extra}`

const routing = (port: number) => `openapi: "3.0.1"
info: { title: routing, version: "1" }
x-amazon-apigateway-importexport-version: "1.0"
x-gateway:
  stages:
    $default: { variables: { who: root } }
    dev:
      variables: { who: dev }
      defaultRouteSettings: { throttlingBurstLimit: 1000, throttlingRateLimit: 1000 }
      routeSettings:
        "GET /limited": { throttlingBurstLimit: 1, throttlingRateLimit: 0.001 }
paths:
  /pets/dog/1:
    get:${proxyTo(`http://127.0.0.1:${port}/exact`)}
  /pets/dog/{id}:
    get:${proxyTo(`http://127.0.0.1:${port}/param/{id}`)}
  /pets/{proxy+}:
    get:${proxyTo(`http://127.0.0.1:${port}/greedy-get/{proxy}`)}
  /{proxy+}:
    x-amazon-apigateway-any-method:${proxyTo(`http://127.0.0.1:${port}/greedy-any/{proxy}`)}
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true${proxyTo(`http://127.0.0.1:${port}/fallback`)}
  /limited:
    get:${proxyTo(`http://127.0.0.1:${port}/limited`)}
  /slow:
    get:${proxyTo(`http://127.0.0.1:${port}/slow`, '\n        timeoutInMillis: 300')}
  /mapped/{id}:
    post:${proxyTo(
      `http://127.0.0.1:${port}/ignored`,
      `
        requestParameters:
          append:header.x-user: "$request.body.user.name"
          overwrite:header.x-combo: "\${request.path.id}-\${stageVariables.who}-\${request.header.x-in}"
          append:header.x-in: "added"
          remove:header.x-drop: "''"
          append:querystring.tag: "static-tag"
          remove:querystring.secret: "''"
          overwrite:querystring.route: "$context.routeKey"
          overwrite:path: "/rewritten/\${request.path.id}"
        responseParameters:
          "200":
            overwrite:statuscode: "201"
            append:header.x-upstream: "$response.header.x-up"
            overwrite:header.x-status-field: "$response.body.status"
            remove:header.x-secret: "''"
          "500":
            overwrite:header.x-never: "set"`,
    )}
`

// Only named stages: a path that names none has nowhere to go.
const staged = (port: number) => `openapi: "3.0.1"
info: { title: staged, version: "1" }
x-gateway:
  protocolType: HTTP
  stages: { prod: {} }
paths:
  /pets:
    get:${proxyTo(`http://127.0.0.1:${port}/pets`)}
`

const call = (api: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  rawRequest(fixture.gateway.url, { ...init, path, headers: { host: `${api}.execute-api.localhost`, ...init.headers } })

const echoed = (res: RawResponse) => JSON.parse(res.text) as { method: string; url: string; headers: Record<string, string>; body: string }

beforeAll(async () => {
  const sample = await example(0)
  fixture = await serveWithBackend(
    (port) => ({ 'shop-http-api.yaml': sample.replaceAll('127.0.0.1:0', `127.0.0.1:${port}`), 'routing.yaml': routing(port), 'staged.yaml': staged(port) }),
    {
      '/petstore/pets/404': (_req, res) => {
        res.statusCode = 404
        res.setHeader('content-type', 'application/json')
        res.end('{"message":"no such pet"}')
      },
      '/rewritten/': (_req, res) => {
        res.setHeader('x-up', 'from-backend')
        res.setHeader('x-secret', 'hidden')
        res.setHeader('content-type', 'application/json')
        res.end('{"status":"stored","id":7}')
      },
      '/slow': async (_req, res) => {
        await new Promise((r) => setTimeout(r, 2000))
        res.end('late')
      },
    },
  )
}, 60_000)

afterAll(() => fixture?.stop())

describe('the AWS export served unchanged', () => {
  it('serves a route on the $default stage at the root, with its request mappings', async () => {
    const res = await call('shop-http-api', '/pets?limit=3&limit=4&other=x')
    expect(res.status).toBe(200)
    const seen = echoed(res)
    // An overwritten parameter is set anew, after the client's others.
    expect(seen.url).toBe('/petstore/pets?other=x&limit=3%2C4')
    const requestId = res.headers['apigw-requestid']
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen.headers['x-shop-request-id']).toBe(requestId)
    expect(res.headers['x-amzn-requestid']).toBeUndefined()
  })

  it('fills the route path parameter into the uri and maps the 404 response', async () => {
    const res = await call('shop-http-api', '/pets/404')
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text)).toEqual({ message: 'no such pet' })
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['x-route-key']).toBe('GET /pets/{petId}')
    const ok = await call('shop-http-api', '/pets/12')
    expect(echoed(ok).url).toBe('/petstore/pets/12')
    expect(ok.headers['cache-control']).toBeUndefined()
  })

  it('passes a greedy path on any method and removes the mapped header', async () => {
    const res = await call('shop-http-api', '/store/orders/2/lines', { method: 'DELETE', headers: { cookie: 'session=1', 'x-kept': 'k' } })
    const seen = echoed(res)
    expect(seen).toMatchObject({ method: 'DELETE', url: '/petstore/store/orders/2/lines' })
    expect(seen.headers.cookie).toBeUndefined()
    expect(seen.headers['x-kept']).toBe('k')
  })

  it('appends the request path and query to the $default route integration', async () => {
    const res = await call('shop-http-api', '/basket/checkout?step=2', { method: 'POST', body: 'x=1' })
    expect(res.status).toBe(200)
    expect(echoed(res)).toMatchObject({ method: 'POST', url: '/basket/checkout?step=2', body: 'x=1' })
  })

  it('refuses dot-segments in a greedy or $default path with 400 and calls no backend', async () => {
    const before = fixture.backend.received.length
    for (const path of ['/store/%2e%2e/admin', '/basket/%2E%2E/%2e%2e/etc']) {
      const res = await call('shop-http-api', path)
      expect(res.status).toBe(400)
      expect(res.text).toBe('{"message":"Bad Request"}')
    }
    expect(fixture.backend.received.length).toBe(before)
  })
})

describe('route precedence', () => {
  const target = async (path: string, method = 'GET') => echoed(await call('routing', path, { method })).url

  it('prefers a full match, then a parameter, then a greedy route with the method, then ANY greedy', async () => {
    expect(await target('/pets/dog/1')).toBe('/exact')
    expect(await target('/pets/dog/2')).toBe('/param/2')
    expect(await target('/pets/cat/9')).toBe('/greedy-get/cat/9')
    expect(await target('/pets/cat/9', 'POST')).toBe('/greedy-any/pets/cat/9')
    expect(await target('/pets/dog/1', 'PUT')).toBe('/greedy-any/pets/dog/1')
  })

  it('sends what no route matches to $default, with the request path appended', async () => {
    expect(await target('/')).toBe('/fallback/')
    expect(await target('/?q=1', 'PATCH')).toBe('/fallback/?q=1')
  })
})

describe('stages', () => {
  it('serves a named stage under its name and anything else on $default', async () => {
    const dev = await call('routing', '/dev/pets/dog/1')
    expect(echoed(dev).url).toBe('/exact')
    // `prod` is no stage of this API: the whole path is $default's.
    const other = await call('routing', '/prod/pets/dog/1')
    expect(echoed(other).url).toBe('/greedy-any/prod/pets/dog/1')
  })

  it('answers 404 Not Found where no stage and no route match', async () => {
    for (const path of ['/pets', '/dev/pets', '/prod/nothing']) {
      const res = await call('staged', path)
      expect(res.status).toBe(404)
      expect(res.text).toBe('{"message":"Not Found"}')
      expect(res.headers['apigw-requestid']).toMatch(/^[0-9a-f-]{36}$/)
      expect(res.headers['x-amzn-errortype']).toBeUndefined()
    }
    expect((await call('staged', '/prod/pets')).status).toBe(200)
  })
})

describe('parameter mapping', () => {
  it('appends, overwrites and removes headers and query parameters, rewrites the path and maps the response', async () => {
    const res = await call('routing', '/dev/mapped/42?secret=s&tag=client&route=x', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-in': 'client', 'x-drop': 'gone' },
      body: JSON.stringify({ user: { name: 'ada' } }),
    })
    expect(res.status).toBe(201)
    expect(res.headers['x-upstream']).toBe('from-backend')
    expect(res.headers['x-status-field']).toBe('stored')
    expect(res.headers['x-secret']).toBeUndefined()
    expect(res.headers['x-never']).toBeUndefined()
    expect(JSON.parse(res.text)).toEqual({ status: 'stored', id: 7 })
    const seen = fixture.last()
    expect(seen.url).toBe('/rewritten/42?tag=client&tag=static-tag&route=POST+%2Fmapped%2F%7Bid%7D')
    expect(seen.headers['x-user']).toBe('ada')
    expect(seen.headers['x-combo']).toBe('42-dev-client')
    expect(seen.headers['x-in']).toBe('client,added')
    expect(seen.headers['x-drop']).toBeUndefined()
    expect(seen.body.toString()).toBe('{"user":{"name":"ada"}}')
  })

  it('skips a mapping whose single source is absent', async () => {
    const res = await call('routing', '/mapped/1', { method: 'POST', body: 'not json' })
    expect(res.status).toBe(201)
    const seen = fixture.last()
    expect(seen.headers['x-user']).toBeUndefined()
    expect(seen.headers['x-combo']).toBe('1-root-')
    expect(seen.headers['x-in']).toBe('added')
  })
})

describe('route throttling and errors', () => {
  it('throttles a route by its routeSettings on its stage only, with 429 Too Many Requests', async () => {
    expect((await call('routing', '/dev/limited')).status).toBe(200)
    const refused = await call('routing', '/dev/limited')
    expect(refused.status).toBe(429)
    expect(refused.text).toBe('{"message":"Too Many Requests"}')
    // The $default stage sets no limit.
    for (let i = 0; i < 3; i++) expect((await call('routing', '/limited')).status).toBe(200)
  })

  it('answers an integration timeout with 503 Service Unavailable', async () => {
    const res = await call('routing', '/slow')
    expect(res.status).toBe(503)
    expect(res.text).toBe('{"message":"Service Unavailable"}')
  })
})

describe('gateway validate on an HTTP API export', () => {
  it('exits 1 naming the file and JSON path of a reserved header mapping and an unknown route key', async () => {
    const bad = (await example(8080))
      .replace('append:header.x-shop-request-id', 'append:header.X-Forwarded-For')
      .replace('x-amazon-apigateway-importexport-version: "1.0"', 'x-amazon-apigateway-importexport-version: "1.0"\nx-gateway:\n  stages:\n    prod:\n      routeSettings:\n        "GET /nowhere": { throttlingRateLimit: 1 }')
    const r = await routesDir({ 'shop.yaml': bad })
    const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))
    const result = await promisify(execFile)(process.execPath, [bin, 'validate', r.dir]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    )
    await r.remove()
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    const has = (pattern: RegExp) => lines.some((l) => pattern.test(l))
    expect(has(/shop\.yaml: \$\.paths\["\/pets"\]\.get\["x-amazon-apigateway-integration"\]\.requestParameters\["append:header\.X-Forwarded-For"\]: "X-Forwarded-For" is a reserved header/)).toBe(true)
    expect(has(/shop\.yaml: \$\["x-gateway"\]\.stages\.prod\.routeSettings\["GET \/nowhere"\]: no route "GET \/nowhere" in this API$/)).toBe(true)
    expect(lines.at(-1)).toMatch(/^2 errors in /)
  })
})
