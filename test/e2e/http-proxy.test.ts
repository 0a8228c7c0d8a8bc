import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from './helpers/gateway'
import type { Backend } from './helpers/backend'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { expectControlCharactersRefused } from './helpers/header-values'

const MB = 1024 * 1024

let fixture: Fixture
let gateway: RunningGateway
let backend: Backend
let releaseStream: () => void = () => {}
const streamReleased = new Promise<void>((r) => (releaseStream = r))
let uploadSeenEarly: () => void = () => {}
const uploadStarted = new Promise<void>((r) => (uploadSeenEarly = r))

const api = (port: number) => `openapi: 3.0.1
info: { title: shop, version: '1' }
x-gateway:
  stages:
    dev: { variables: { backend: '127.0.0.1:${port}' } }
paths:
  /items/{itemId}:
    get:
      parameters:
        - { name: itemId, in: path, required: true }
        - { name: tag, in: header }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://\${stageVariables.backend}/v2/items/{id}?from=gateway
        requestParameters:
          integration.request.path.id: method.request.path.itemId
          integration.request.header.x-item-tag: method.request.header.tag
          integration.request.querystring.mapped: "'yes'"
  /{proxy+}:
    x-amazon-apigateway-any-method:
      parameters:
        - { name: proxy, in: path, required: true }
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: http://127.0.0.1:${port}/{proxy}
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
  /tagged:
    get:
      parameters: [{ name: q, in: query }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}/tagged
        requestParameters: { integration.request.header.x-q: method.request.querystring.q }
  /slow:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}/slow
        timeoutInMillis: 300
  /trickle:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}/trickle
        timeoutInMillis: 300
  /down:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:1/nothing-listens-here
`

beforeAll(async () => {
  fixture = await serveWithBackend((port) => ({ 'shop.yaml': api(port) }), {
    '/slow': async (_req, res) => {
      await new Promise((r) => setTimeout(r, 3000))
      res.end('late')
    },
    // Headers at once, the rest of the body after the integration timeout.
    '/trickle': async (_req, res) => {
      res.write('first ')
      await new Promise((r) => setTimeout(r, 1000))
      res.end('last')
    },
    '/status/': (req, res) => {
      res.statusCode = Number(req.url!.split('/')[2])
      res.statusMessage = 'Backend Words'
      res.setHeader('server', 'echo/1.0')
      res.setHeader('set-cookie', ['a=1', 'b=2'])
      res.setHeader('www-authenticate', 'Basic')
      res.setHeader('x-amzn-requestid', 'backend-id')
      res.setHeader('upgrade', 'h2c')
      res.setHeader('proxy-connection', 'keep-alive')
      res.setHeader('x-kept', 'yes')
      res.end('{"ok":false}')
    },
    // 20 MB in 1 MB chunks; the second half waits until the client has seen the first chunk.
    '/stream': async (_req, res) => {
      res.setHeader('content-type', 'application/octet-stream')
      const chunk = Buffer.alloc(MB, 7)
      res.write(chunk)
      await streamReleased
      for (let i = 1; i < 20; i++) res.write(chunk)
      res.end()
    },
    // Faults: the connection dies mid-body, or before any response at all.
    '/dies-mid-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' })
      res.write('partial ')
      setTimeout(() => res.socket?.destroy(), 50)
    },
    '/dies-at-once': (req) => void req.socket.destroy(),
    '/upload': {
      streaming: true,
      handle: async (req, res) => {
        let bytes = 0
        for await (const c of req) {
          bytes += (c as Buffer).length
          if (bytes >= MB) uploadSeenEarly()
        }
        res.end(JSON.stringify({ bytes }))
      },
    },
  })
  ;({ gateway, backend } = fixture)
}, 90_000)

afterAll(() => fixture?.stop())

const last = () => fixture.last()

describe('http_proxy', () => {
  it('forwards to the backend with path parameters, stage variables, query and mapped parameters', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/items/42?color=red&color=blue', headers: { tag: 'blue', 'user-agent': 'e2e/1' } })
    expect(res.status).toBe(200)
    expect(last().url).toBe('/v2/items/42?from=gateway&color=red&color=blue&mapped=yes')
    expect(last().headers['x-item-tag']).toBe('blue')
    expect(last().headers['user-agent']).toBe('e2e/1')
    expect(last().headers['x-amzn-apigateway-api-id']).toBe('shop')
    expect(last().headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/)
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers['x-amz-apigw-id']).toMatch(/^[A-Za-z0-9+/]{15}=$/)
  })

  it('strips hop-by-hop headers and appends X-Forwarded-For', async () => {
    await rawRequest(gateway.url, {
      path: '/dev/anything',
      headers: { connection: 'keep-alive, x-secret', 'keep-alive': 'timeout=5', te: 'trailers', 'x-forwarded-for': '203.0.113.9', via: '1.1 proxy' },
    })
    const h = last().headers
    expect(h['keep-alive']).toBeUndefined()
    expect(h.te).toBeUndefined()
    expect(h.via).toBeUndefined()
    expect(h['x-forwarded-for']).toMatch(/^203\.0\.113\.9, \S+$/)
  })

  it('passes method and body through for ANY', async () => {
    const res = await rawRequest(gateway.url, { method: 'PUT', path: '/dev/things/7', headers: { 'content-type': 'text/plain' }, body: 'hello' })
    expect(res.status).toBe(200)
    expect(last()).toMatchObject({ method: 'PUT', url: '/things/7' })
    expect(last().body.toString()).toBe('hello')
  })

  it('returns the backend status and headers, reserved ones as x-amzn-Remapped-*', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/status/418' })
    expect(res.status).toBe(418)
    // AWS carries the status code only: the reason phrase is the standard one.
    expect(res.statusMessage).toBe("I'm a teapot")
    expect(res.text).toBe('{"ok":false}')
    expect(res.headers['x-amzn-remapped-server']).toBe('echo/1.0')
    expect(res.headers['server']).toBeUndefined()
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2'])
    expect(res.headers['x-amzn-remapped-www-authenticate']).toBe('Basic')
    expect(res.headers['www-authenticate']).toBeUndefined()
    expect(res.headers['x-amzn-remapped-x-amzn-requestid']).toBe('backend-id')
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers['x-amzn-remapped-upgrade']).toBe('h2c')
    // Node's own connection headers come back renamed, the originals never reach the client.
    expect(res.headers['x-amzn-remapped-connection']).toBe('keep-alive')
    expect(res.headers['x-amzn-remapped-content-length']).toBe('12')
    expect(Date.parse(String(res.headers['x-amzn-remapped-date']))).toBeGreaterThan(0)
    for (const gone of ['upgrade', 'keep-alive', 'proxy-connection']) expect(res.headers[gone]).toBeUndefined()
    expect(res.headers['content-length']).toBe('12')
    expect(res.headers['content-type']).toBe('application/json')
    expect(res.headers['x-kept']).toBe('yes')
    // One Date, the gateway's; the backend's own is the remapped one.
    expect(res.rawHeaders.filter((h, i) => i % 2 === 0 && /^date$/i.test(h))).toHaveLength(1)
  })

  it('never lets {proxy+} change the backend host', async () => {
    const before = backend.received.length
    const res = await rawRequest(gateway.url, { path: '/dev//evil.example/x/%2F@evil.example' })
    expect(res.status).toBe(200)
    expect(backend.received.length).toBe(before + 1)
    expect(last().headers.host).toBe(`127.0.0.1:${backend.port}`)
    // With dot-segments as well, it is refused before the backend (integration-prefix.test.ts has them all).
    const dotted = await rawRequest(gateway.url, { path: '/dev//evil.example/x/..%2F..%2F@evil.example' })
    expect(dotted.status).toBe(400)
    expect(backend.received.length).toBe(before + 1)
  })

  it('streams a 20 MB response without buffering it whole', async () => {
    const { request } = await import('node:http')
    const total = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: gateway.port, path: '/dev/stream', agent: false }, (res) => {
        let bytes = 0
        res.on('data', (c: Buffer) => {
          bytes += c.length
          // The backend sends the rest only once the first megabyte has reached the client.
          if (bytes >= MB) releaseStream()
        })
        res.on('end', () => resolve(bytes))
        res.on('error', reject)
      })
      r.on('error', reject)
      r.end()
    })
    expect(total).toBe(20 * MB)
  })

  it('streams a request body to the backend while the client is still sending', async () => {
    const { request } = await import('node:http')
    const result = new Promise<string>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: gateway.port, path: '/dev/upload', method: 'POST', agent: false, headers: { 'content-length': String(8 * MB) } }, (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve(text))
      })
      r.on('error', reject)
      const chunk = Buffer.alloc(MB, 1)
      r.write(chunk)
      r.write(chunk)
      // The rest is sent only after the backend has received the first megabyte.
      uploadStarted.then(() => {
        for (let i = 2; i < 8; i++) r.write(chunk)
        r.end()
      })
    })
    expect(JSON.parse(await result)).toEqual({ bytes: 8 * MB })
  })

  it('refuses a body over 10 MB with 413', async () => {
    const declared = await rawRequest(gateway.url, { method: 'POST', path: '/dev/upload', headers: { 'content-length': String(11 * MB) }, body: null })
    expect(declared.status).toBe(413)
    expect(declared.headers['x-amzn-errortype']).toBe('RequestTooLargeException')
  })

  it('refuses a chunked body that grows past 10 MB with 413', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: gateway.port, path: '/dev/upload', method: 'POST', agent: false }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      r.on('error', (e) => (/EPIPE|ECONNRESET/.test(String(e)) ? undefined : reject(e)))
      const chunk = Buffer.alloc(MB, 2)
      for (let i = 0; i < 11; i++) r.write(chunk)
      r.end()
    })
    expect(status).toBe(413)
  })

  it('answers 504 Endpoint request timed out past timeoutInMillis', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/slow' })
    expect(res.status).toBe(504)
    expect(JSON.parse(res.text)).toEqual({ message: 'Endpoint request timed out' })
  })

  it('times out until the response headers only: a body still streaming is not cut (AWS STREAM mode)', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/trickle' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('first last')
  })

  it('answers the INTEGRATION_FAILURE response when the backend is unreachable, and keeps serving', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/down' })
    expect(res.status).toBe(504)
    expect(JSON.parse(res.text)).toEqual({ message: 'Internal server error' })
    expect((await rawRequest(gateway.url, { path: '/dev/items/1' })).status).toBe(200)
  })
})

describe('mapped header values', () => {
  it('refuses CR, LF, NUL and other controls mapped into a header with 400, before the backend', async () => {
    await expectControlCharactersRefused(fixture, '/dev/tagged')
  })
})

describe('backend faults', () => {
  it('answers INTEGRATION_FAILURE when the backend drops the connection before answering, and keeps serving', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/dies-at-once' })
    expect(res.status).toBe(504)
    expect(res.headers['x-amzn-errortype']).toBe('InternalServerErrorException')
    expect((await rawRequest(gateway.url, { path: '/dev/items/1' })).status).toBe(200)
  })

  it('cuts the client off when the backend dies mid-body (the status is already sent), and keeps serving', async () => {
    const outcome = await rawRequest(gateway.url, { path: '/dev/dies-mid-body' }).then(
      (res) => ({ status: res.status, length: res.body.length }),
      (e: Error) => ({ error: e.message }),
    )
    // Either the client sees the connection end early, or a body shorter than the declared length.
    if ('status' in outcome) {
      expect(outcome.status).toBe(200)
      expect(outcome.length).toBeLessThan(1000)
    } else expect(outcome.error).toMatch(/aborted|socket hang up|ECONNRESET|premature/i)
    expect((await rawRequest(gateway.url, { path: '/dev/items/1' })).status).toBe(200)
  })
})

describe('bad requests', () => {
  it('answers a malformed path with 400', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/items/%zz' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text)).toEqual({ message: 'Bad Request' })
  })

  it('answers oversized headers with 413', async () => {
    const res = await rawRequest(gateway.url, { path: '/dev/items/1', headers: { 'x-big': 'a'.repeat(12_000) } })
    expect(res.status).toBe(413)
  })

  it('answers an unknown stage with 403 Forbidden', async () => {
    const res = await rawRequest(gateway.url, { path: '/prod/items/1' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({ message: 'Forbidden' })
  })

  it('sends a method the literal resource lacks to the greedy ANY resource, as AWS does', async () => {
    const res = await rawRequest(gateway.url, { method: 'DELETE', path: '/dev/items/1' })
    expect(res.status).toBe(200)
    expect(last()).toMatchObject({ method: 'DELETE', url: '/items/1' })
  })
})
