import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import type { Received } from './helpers/backend'

/**
 * The admin token is used up at the gateway and never passed on (issue 13, defect 3): with
 * `Authorization: Bearer $GATEWAY_ADMIN_TOKEN` — the documented cache refresh, or by mistake —
 * no integration request carries it, in any header, mapping, template or Lambda proxy event.
 */

const token = 'e2e-admin-token-0123456789-do-not-forward'
const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:proxy/invocations'
const authorizerFn = fn.replace('function:proxy', 'function:auth')

const api = (port: number) => `openapi: 3.0.1
info: { title: creds, version: '1' }
x-gateway:
  apiId: creds
  awsEndpoints: { lambda: 'http://127.0.0.1:${port}' }
  stages:
    dev:
      cacheClusterEnabled: true
      methodSettings: { '/cached/GET': { cachingEnabled: true, cacheTtlInSeconds: 300 } }
paths:
  /proxy/{proxy+}:
    get:
      parameters: [{ name: proxy, in: path, required: true }]
      x-amazon-apigateway-integration:
        { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/proxy/{proxy}', requestParameters: { integration.request.path.proxy: method.request.path.proxy } }
  /cached:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/cached' }
  /mapped:
    post:
      parameters: [{ name: Authorization, in: header }]
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: 'http://127.0.0.1:${port}/mapped'
        requestParameters:
          integration.request.header.x-auth: method.request.header.Authorization
          integration.request.querystring.auth: method.request.header.Authorization
        requestTemplates:
          application/json: '{"auth": "$input.params(''Authorization'')", "headers": "$input.params().header"}'
        responses: { default: { statusCode: '200' } }
  /lambda:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn}' }
  /authorized:
    get:
      security: [{ user: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/authorized' }
components:
  securitySchemes:
    user:
      type: apiKey
      name: X-User
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: method.request.header.X-User
        authorizerUri: '${authorizerFn}'
        authorizerResultTtlInSeconds: 0
`

let fixture: Fixture

beforeAll(async () => {
  fixture = await serveWithBackend(
    (port) => ({ 'creds.yaml': api(port) }),
    {
      '/2015-03-31/functions/': (req, res) => {
        res.setHeader('content-type', 'application/json')
        if (!decodeURIComponent(req.url ?? '').includes('function:auth')) {
          res.end(JSON.stringify({ statusCode: 200, body: 'from the function' }))
          return
        }
        const statement = { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }
        res.end(JSON.stringify({ principalId: 'user', policyDocument: { Version: '2012-10-17', Statement: [statement] } }))
      },
    },
    { GATEWAY_ADMIN_TOKEN: token, AWS_ACCESS_KEY_ID: 'AKIAE2ECREDS00000001', AWS_SECRET_ACCESS_KEY: 'e2e/creds/secret' },
  )
}, 90_000)

afterAll(() => fixture?.stop())

/** Everything a backend received, headers, target and body, as one text to search. */
const everything = (r: Received) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body.toString('utf8')}`

/** Sends one request and returns what the backend received for it. */
async function through(path: string, headers: Record<string, string>, init: { method?: string; body?: string } = {}) {
  const before = fixture.backend.received.length
  const res = await rawRequest(fixture.gateway.url, { path, headers, ...init })
  const seen = fixture.backend.received.slice(before)
  expect(seen, `${path} reached the backend ${seen.length} times`).toHaveLength(1)
  return { res, received: seen[0] }
}

/** Every way a client may present the admin token that the gateway recognises as its own. */
const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER   ${token}`, token, `Bearer other-token, Bearer ${token}`]

describe('the admin token never reaches an integration', () => {
  it('http_proxy: no header, in any spelling of the credential', async () => {
    for (const authorization of spellings) {
      const { res, received } = await through('/dev/proxy/a', { authorization, 'x-keep': 'kept' })
      expect(res.status, authorization).toBe(200)
      expect(received.headers['x-keep']).toBe('kept')
      expect(received.headers.authorization, authorization).toBeUndefined()
      expect(everything(received), authorization).not.toContain(token)
    }
  })

  it('http_proxy: the documented cache refresh refreshes, and the backend does not see the token', async () => {
    await through('/dev/cached', {})
    // Without the token, max-age=0 is ignored (requireAuthorizationForCacheControl): served from the cache.
    const ignored = fixture.backend.received.length
    expect((await rawRequest(fixture.gateway.url, { path: '/dev/cached', headers: { 'cache-control': 'max-age=0' } })).status).toBe(200)
    expect(fixture.backend.received.length).toBe(ignored)

    const { res, received } = await through('/dev/cached', { authorization: `Bearer ${token}`, 'cache-control': 'max-age=0' })
    expect(res.status).toBe(200)
    expect(received.headers.authorization).toBeUndefined()
    expect(everything(received)).not.toContain(token)
  })

  it('http: neither mappings nor templates can read it', async () => {
    const { received } = await through('/dev/mapped', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, { method: 'POST', body: '{}' })
    expect(received.headers['x-auth']).toBeUndefined()
    expect(JSON.parse(received.body.toString()).auth).toBe('')
    expect(everything(received)).not.toContain(token)
  })

  it('aws_proxy: the Lambda proxy event has it in neither headers nor multiValueHeaders', async () => {
    const { res, received } = await through('/dev/lambda', { authorization: `Bearer ${token}`, 'x-keep': 'kept' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('from the function')
    const event = JSON.parse(received.body.toString())
    expect(event.headers['X-Keep']).toBe('kept')
    expect(event.headers.Authorization).toBeUndefined()
    expect(event.multiValueHeaders.Authorization).toBeUndefined()
    expect(everything(received)).not.toContain(token)
  })

  it('a Lambda REQUEST authorizer receives neither the header nor the token', async () => {
    const before = fixture.backend.received.length
    const res = await rawRequest(fixture.gateway.url, { path: '/dev/authorized', headers: { authorization: `Bearer ${token}`, 'x-user': 'alice' } })
    expect(res.status, res.text).toBe(200)
    const seen = fixture.backend.received.slice(before)
    const call = seen.find((r) => decodeURIComponent(r.url).includes('function:auth'))
    expect(call, 'the authorizer was invoked').toBeDefined()
    const event = JSON.parse(call!.body.toString())
    expect(event.headers['X-User'] ?? event.headers['x-user']).toBe('alice')
    expect(event.headers.Authorization ?? event.headers.authorization).toBeUndefined()
    for (const r of seen) expect(everything(r)).not.toContain(token)
  })

  it('passes any other Authorization on as before', async () => {
    const other = 'Bearer someone-elses-token'
    expect((await through('/dev/proxy/a', { authorization: other })).received.headers.authorization).toBe(other)
    const { received } = await through('/dev/mapped', { authorization: other, 'content-type': 'application/json' }, { method: 'POST', body: '{}' })
    expect(received.headers['x-auth']).toBe(other)
    const event = JSON.parse((await through('/dev/lambda', { authorization: other })).received.body.toString())
    expect(event.headers.Authorization).toBe(other)
  })
})
