import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { routesDir } from './helpers/routes'

const run = promisify(execFile)
const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))

// An AWS export's shape: models in components.schemas, validators at the root, one per operation.
const api = (port: number) => `openapi: 3.0.1
info: { title: orders, version: '1' }
x-amazon-apigateway-request-validators:
  all: { validateRequestParameters: true, validateRequestBody: true }
  params-only: { validateRequestParameters: true, validateRequestBody: false }
x-amazon-apigateway-gateway-responses:
  BAD_REQUEST_BODY:
    statusCode: '422'
    responseParameters: { gatewayresponse.header.x-rejected-by: "'validator'" }
    responseTemplates: { application/json: '{"error": "$context.error.message", "why": "$context.error.validationErrorString", "type": "$context.error.responseType"}' }
components:
  schemas:
    Line:
      type: object
      properties: { sku: { type: string, minLength: 1 }, qty: { type: integer, minimum: 1 } }
      required: [sku, qty]
    Order:
      title: Order
      type: object
      properties:
        lines: { type: array, minItems: 1, items: { $ref: '#/components/schemas/Line' } }
        delivery: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Address' }] }
      required: [lines, delivery]
      additionalProperties: false
    Address: { type: object, properties: { city: { type: string } }, required: [city] }
x-gateway:
  stages: { v1: {} }
paths:
  /shops/{shop}/orders:
    post:
      parameters:
        - { name: shop, in: path, required: true }
        - { name: x-tenant, in: header, required: true }
        - { name: channel, in: query, required: true }
      requestBody:
        content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } }
        required: true
      x-amazon-apigateway-request-validator: all
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        uri: http://127.0.0.1:${port}/orders/{shop}
        requestParameters: { integration.request.path.shop: method.request.path.shop }
    get:
      parameters: [{ name: since, in: query, required: true }]
      x-amazon-apigateway-request-validator: params-only
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}/orders/{shop}
        requestParameters: { integration.request.path.shop: method.request.path.shop }
  /open:
    post:
      parameters: [{ name: channel, in: query, required: true }]
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: 'http://127.0.0.1:${port}/open' }
`

let fixture: Fixture
beforeAll(async () => {
  fixture = await serveWithBackend((port) => ({ 'orders.yaml': api(port) }))
}, 90_000)
afterAll(() => fixture?.stop())

const order = JSON.stringify({ lines: [{ sku: 'tea', qty: 2 }], delivery: { city: 'Lyon' } })
const post = (path: string, body: string | null, headers: Record<string, string> = { 'x-tenant': 'acme' }) =>
  rawRequest(fixture.gateway.url, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body })

describe('request validation over real sockets', () => {
  it('refuses missing required parameters with AWS’s message, before the backend is called', async () => {
    const seen = fixture.backend.received.length
    const res = await post('/v1/shops/s1/orders', order, {})
    expect(res.status).toBe(400)
    expect(res.headers['x-amzn-errortype']).toBe('BadRequestException')
    expect(JSON.parse(res.text)).toEqual({ message: 'Missing required request parameters: [x-tenant, channel]' })
    expect(fixture.backend.received.length).toBe(seen)
  })

  it('passes a valid request on with the body the client sent', async () => {
    const res = await post('/v1/shops/s1/orders?channel=web', order)
    expect(res.status).toBe(200)
    expect(fixture.last().url).toBe('/orders/s1?channel=web')
    expect(fixture.last().body.toString()).toBe(order)
  })

  it('validates bodies through $ref and oneOf', async () => {
    const ok = (body: unknown) => post('/v1/shops/s1/orders?channel=web', JSON.stringify(body)).then((r) => r.status)
    expect(await ok({ lines: [{ sku: 'tea', qty: 1 }], delivery: null })).toBe(200)
    expect(await ok({ lines: [{ sku: 'tea', qty: 0 }], delivery: null })).toBe(422)
    expect(await ok({ lines: [{ sku: 'tea', qty: 1 }], delivery: { town: 'Lyon' } })).toBe(422)
    expect(await ok({ lines: [{ sku: 'tea', qty: 1 }], delivery: null, gift: true })).toBe(422)
  })

  it('renders BAD_REQUEST_BODY through the API’s gateway-response override', async () => {
    const res = await post('/v1/shops/s1/orders?channel=web', JSON.stringify({ lines: [], delivery: null }))
    expect(res.status).toBe(422)
    expect(res.headers['x-rejected-by']).toBe('validator')
    expect(res.headers['x-amzn-errortype']).toBe('BadRequestException')
    const body = JSON.parse(res.text) as { error: string; why: string; type: string }
    expect(body.error).toBe('Invalid request body')
    expect(body.type).toBe('BAD_REQUEST_BODY')
    expect(body.why).toMatch(/^\[#\/lines: Array has too few items/)
  })

  it('refuses a body that is not JSON', async () => {
    expect((await post('/v1/shops/s1/orders?channel=web', '{"lines": [')).status).toBe(422)
  })

  it('checks only what the method’s validator asks for', async () => {
    const get = (path: string) => rawRequest(fixture.gateway.url, { path })
    expect(JSON.parse((await get('/v1/shops/s1/orders')).text)).toEqual({ message: 'Missing required request parameters: [since]' })
    expect((await get('/v1/shops/s1/orders?since=2026')).status).toBe(200)
    // No validator: required flags and models are documentation only, as on AWS.
    expect((await post('/v1/open', 'not json', {})).status).toBe(200)
  })
})

describe('gateway validate: request validation problems', () => {
  it('lists an unknown validator, a $ref to a missing model and an invalid schema as file: json.path: reason', async () => {
    const r = await routesDir({
      'bad.yaml': `openapi: 3.0.1
info: { title: bad, version: '1' }
x-amazon-apigateway-request-validators:
  all: { validateRequestParameters: true, validateRequestBody: true }
components:
  schemas:
    Order: { type: object, properties: { lines: { type: list }, owner: { $ref: '#/components/schemas/Person' } } }
paths:
  /orders:
    post:
      x-amazon-apigateway-request-validator: everything
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
      x-amazon-apigateway-integration: { type: mock }
    put:
      x-amazon-apigateway-request-validator: all
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
      x-amazon-apigateway-integration: { type: mock }
`,
    })
    const res = await run(process.execPath, [bin, 'validate', r.dir]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    )
    await r.remove()
    expect(res.code).toBe(1)
    const lines = res.stderr.split('\n').filter((l) => l.includes('bad.yaml'))
    expect(lines).toEqual([
      expect.stringMatching(/bad\.yaml: \$\.paths\["\/orders"\]\.post\["x-amazon-apigateway-request-validator"\]: unknown request validator "everything"/),
      expect.stringMatching(/bad\.yaml: \$\.components\.schemas\.Order\.properties\.lines\.type: must be one of array, /),
      expect.stringMatching(/bad\.yaml: \$\.components\.schemas\.Order\.properties\.owner\.\$ref: \$ref to a missing model "Person"/),
    ])
  })
})
