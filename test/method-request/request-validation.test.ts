import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import { createRequestValidator } from '../../src/method-request/request-validation'
import { GatewayError } from '../../src/gateway-responses/error'
import { testInvocation } from '../integration/invocation'
import type { Env } from '../../src/env'

const KEY = 'validation-key-0123456789abcdef'

const mock = `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"ok": true}' } } }`

const table = compileOrThrow([
  {
    file: 'routes/shop.yaml',
    text: `openapi: 3.0.1
info: { title: shop, version: '1' }
x-amazon-apigateway-request-validators:
  all: { validateRequestParameters: true, validateRequestBody: true }
  params: { validateRequestParameters: true, validateRequestBody: false }
  none: { validateRequestParameters: false, validateRequestBody: false }
x-amazon-apigateway-request-validator: all
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
  schemas:
    Item:
      type: object
      properties: { sku: { type: string, pattern: '^[A-Z]{3}-\\d+$' }, qty: { type: integer, minimum: 1 } }
      required: [sku, qty]
    Order:
      type: object
      properties:
        items: { type: array, minItems: 1, items: { $ref: '#/components/schemas/Item' } }
        coupon: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Coupon' }] }
      required: [items]
    Coupon: { type: object, properties: { code: { type: string } }, required: [code] }
    Note: { type: string, maxLength: 5 }
x-gateway:
  stages: { dev: {} }
  usagePlans: [{ name: basic, apiStages: [{ stage: dev }] }]
  apiKeys: [{ name: k, value: ${KEY}, usagePlans: [basic] }]
paths:
  /shops/{shop}/orders:
    post:
      parameters:
        - { name: shop, in: path, required: true }
        - { name: x-tenant, in: header, required: true }
        - { name: dry, in: query, required: true }
        - { name: trace, in: query }
        - { name: ghost, in: path, required: true }
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
${mock}
  /orders:
    post:
      requestBody:
        content:
          application/json: { schema: { $ref: '#/components/schemas/Order' } }
          text/plain: { schema: { $ref: '#/components/schemas/Note' } }
${mock}
    put:
      requestBody: { content: { $default: { schema: { type: object, required: [id] } } } }
${mock}
  /keyed:
    post:
      security: [{ api_key: [] }]
      parameters: [{ name: q, in: query, required: true }]
${mock}
  /loose:
    post:
      x-amazon-apigateway-request-validator: params
      parameters: [{ name: q, in: query }]
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
${mock}
    get:
      x-amazon-apigateway-request-validator: none
      parameters: [{ name: q, in: query, required: true }]
${mock}
`,
  },
])
const api = table.apis[0]
const handle = createPipeline(table)
const validateRequest = createRequestValidator(table)
const send = (path: string, init: RequestInit = {}) => handle(new Request(`http://gw/dev${path}`, init), env as Env)
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
const order = { items: [{ sku: 'ABC-1', qty: 2 }] }

describe('request validation: parameters', () => {
  it('lists every missing required parameter in AWS order (header, path, querystring) with 400 BAD_REQUEST_PARAMETERS', async () => {
    const res = await send('/shops/s1/orders', json(order))
    expect(res.status).toBe(400)
    expect(res.headers.get('x-amzn-ErrorType')).toBe('BadRequestException')
    expect(await res.json()).toEqual({ message: 'Missing required request parameters: [x-tenant, ghost, dry]' })
  })

  it('counts a blank value as missing', async () => {
    const res = await send('/shops/s1/orders?dry=', json(order, { 'x-tenant': '  ' }))
    expect(await res.json()).toEqual({ message: 'Missing required request parameters: [x-tenant, ghost, dry]' })
  })

  it('checks parameters before the body', async () => {
    const res = await send('/shops/s1/orders?dry=1', json('not json', { 'x-tenant': 't' }))
    expect(await res.json()).toEqual({ message: 'Missing required request parameters: [ghost]' })
  })

  it('runs after the API key check, as AWS orders them', async () => {
    expect((await send('/keyed', json({}))).status).toBe(403)
    const res = await send('/keyed', json({}, { 'x-api-key': KEY }))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ message: 'Missing required request parameters: [q]' })
    expect((await send('/keyed?q=1', json({}, { 'x-api-key': KEY }))).status).toBe(200)
  })

  it('leaves parameters alone when the validator does not validate them', async () => {
    expect((await send('/loose', { method: 'GET' })).status).toBe(200)
  })
})

describe('request validation: bodies', () => {
  it('passes a body that matches the model, through $ref to other models', async () => {
    const res = await send('/orders', json(order))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('refuses a body against the model with 400 Invalid request body', async () => {
    for (const body of [{ items: [] }, { items: [{ sku: 'abc', qty: 1 }] }, { items: [{ sku: 'ABC-1', qty: 0 }] }, [order]]) {
      const res = await send('/orders', json(body))
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.headers.get('x-amzn-ErrorType')).toBe('BadRequestException')
      expect(await res.json()).toEqual({ message: 'Invalid request body' })
    }
  })

  it('follows oneOf with null or a referenced model', async () => {
    expect((await send('/orders', json({ ...order, coupon: null }))).status).toBe(200)
    expect((await send('/orders', json({ ...order, coupon: { code: 'X' } }))).status).toBe(200)
    expect((await send('/orders', json({ ...order, coupon: { kode: 'X' } }))).status).toBe(400)
  })

  it('refuses a body that is not JSON, and validates an absent body as {}', async () => {
    expect((await send('/orders', json('{"items": ['))).status).toBe(400)
    expect((await send('/orders', { method: 'POST' })).status).toBe(400)
  })

  it('picks the model by Content-Type, and skips types without one', async () => {
    const text = (body: string, type = 'text/plain; charset=utf-8') => json(body, { 'content-type': type })
    expect((await send('/orders', text('"hi"'))).status).toBe(200)
    expect((await send('/orders', text('"too long"'))).status).toBe(400)
    expect((await send('/orders', text('hi'))).status).toBe(400) // models are JSON Schema: a body that is not JSON fails
    expect((await send('/orders', text('anything', 'application/xml'))).status).toBe(200)
    expect((await send('/orders', text('anything', 'constructor'))).status).toBe(200) // a client's type never reaches the prototype
    expect((await send('/orders', text('{"items": []}', 'Application/JSON; charset=UTF-8'))).status).toBe(400)
  })

  it('uses the $default model for any Content-Type', async () => {
    expect((await send('/orders', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: '{"id": 1}' })).status).toBe(200)
    expect((await send('/orders', { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'id\n1' })).status).toBe(400)
  })

  it('leaves bodies alone when the validator does not validate them', async () => {
    expect((await send('/loose', json('nonsense'))).status).toBe(200)
  })
})

describe('validateRequest', () => {
  it('hands the integration the same body bytes it read', async () => {
    const body = JSON.stringify(order)
    const inv = testInvocation(api, '/orders', 'POST', '/orders', { init: { method: 'POST', body, headers: { 'content-type': 'application/json' } } })
    await validateRequest(inv)
    expect(await inv.request.text()).toBe(body)
    expect(inv.request.headers.get('content-type')).toBe('application/json')
  })

  it('returns no promise when no body model applies', () => {
    const inv = testInvocation(api, '/keyed', 'POST', '/keyed?q=1', { init: { method: 'POST', body: 'x' } })
    expect(validateRequest(inv)).toBeUndefined()
  })

  it('gives the failing keyword in $context.error.validationErrorString', async () => {
    const inv = testInvocation(api, '/orders', 'POST', '/orders', {
      init: { method: 'POST', body: '{"items": [{"sku": "ABC-1"}]}', headers: { 'content-type': 'application/json' } },
    })
    const error = await Promise.resolve(validateRequest(inv)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayError)
    expect((error as GatewayError).type).toBe('BAD_REQUEST_BODY')
    expect((error as GatewayError).options.validationErrorString).toMatch(/^\[#\/items\/0: .*required property "qty"/)
  })

  it('costs methods without a validator nothing: the route table carries no validation for them', () => {
    const methods = Object.fromEntries(api.resources.flatMap((r) => Object.entries(r.methods).map(([verb, m]) => [`${verb} ${r.path}`, m.validation])))
    expect(methods['GET /loose']).toBeUndefined() // validator "none"
    expect(methods['POST /loose']).toBeUndefined() // validator "params", and nothing required
    expect(methods['POST /keyed']).toEqual({ requiredParameters: [{ location: 'querystring', name: 'q' }] })
  })
})
