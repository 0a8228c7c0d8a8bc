import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { expectControlCharactersRefused } from './helpers/header-values'

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255])
let fixture: Fixture
let gateway: RunningGateway

const api = (port: number) => `openapi: 3.0.1
info: { title: orders, version: '1' }
x-amazon-apigateway-binary-media-types: [image/png, application/octet-stream]
x-gateway:
  stages: { v1: { variables: { region: eu } } }
paths:
  /orders/{id}:
    post:
      parameters:
        - { name: id, in: path, required: true }
        - { name: x-tenant, in: header }
      responses: { '201': { description: created, headers: { X-Order: { schema: { type: string } } } }, '404': { description: missing } }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: PUT
        uri: http://127.0.0.1:${port}/store/{orderId}
        passthroughBehavior: never
        requestParameters:
          integration.request.path.orderId: method.request.path.id
          integration.request.header.x-tenant: method.request.header.x-tenant
          integration.request.querystring.region: stageVariables.region
        requestTemplates:
          application/json: |
            #set($items = $input.path('$.items'))
            {"order": "$input.params('id')", "count": $items.size(), "first": $input.json('$.items[0]'), "stage": "$context.stage"}
        responses:
          '4\\d{2}':
            statusCode: '404'
            responseTemplates: { application/json: '{"error": "no such order"}' }
          default:
            statusCode: '201'
            responseParameters: { method.response.header.X-Order: integration.response.body.order }
            responseTemplates:
              application/json: '{"stored": $input.json(''$.received'')}'
  /images/{name}:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: http://127.0.0.1:${port}/png/{name}
        requestParameters: { integration.request.path.name: method.request.path.name }
        responses: { default: { statusCode: '200' } }
  /upload:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: http://127.0.0.1:${port}/upload
        contentHandling: CONVERT_TO_BINARY
        responses: { default: { statusCode: '200' } }
  /tagged:
    get:
      parameters: [{ name: q, in: query }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: http://127.0.0.1:${port}/tagged
        requestParameters: { integration.request.header.x-q: method.request.querystring.q }
        responses: { default: { statusCode: '200' } }
  /headers:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: http://127.0.0.1:${port}/headers
        requestTemplates:
          application/json: '{"get": "$input.params().header.get(''x-custom'')", "has": $input.params().header.containsKey(''X-CUSTOM''), "keys": "$input.params().header.keySet()"}'
        responses: { default: { statusCode: '200' } }
  /stalled-body:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: http://127.0.0.1:${port}/stalled-body
        timeoutInMillis: 300
        responses: { default: { statusCode: '200' } }
`

beforeAll(async () => {
  fixture = await serveWithBackend((port) => ({ 'orders.yaml': api(port) }), {
    '/store/missing': (_req, res) => {
      res.statusCode = 404
      res.end('{"message":"nope"}')
    },
    '/store/': (req, res, body) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ order: req.url!.split('/')[2].split('?')[0], received: JSON.parse(body.toString()) }))
    },
    '/png/': (_req, res) => {
      res.setHeader('content-type', 'image/png')
      res.end(png)
    },
    // Headers at once, the body only after the integration timeout.
    '/stalled-body': async (_req, res) => {
      res.setHeader('content-type', 'application/json')
      res.flushHeaders()
      await new Promise((r) => setTimeout(r, 1000))
      res.end('{"late":true}')
    },
    '/upload': (_req, res, body) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ bytes: [...body] }))
    },
  })
  gateway = fixture.gateway
}, 90_000)

afterAll(() => fixture?.stop())

const last = () => fixture.last()
const order = JSON.stringify({ items: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 1 }] })

describe('http integration', () => {
  it('maps the request through a template and parameters, and the response through another', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'POST',
      path: '/v1/orders/42',
      headers: { 'content-type': 'application/json', 'x-tenant': 'acme', 'x-secret': 'not for the backend' },
      body: order,
    })
    expect(res.status).toBe(201)
    expect(res.headers['x-order']).toBe('42')
    expect(res.headers['x-amzn-trace-id']).toMatch(/^Root=1-/)
    expect(JSON.parse(res.text)).toEqual({ stored: { order: '42', count: 2, first: { sku: 'a', qty: 2 }, stage: 'v1' } })
    expect(last()).toMatchObject({ method: 'PUT', url: '/store/42?region=eu' })
    expect(last().headers['x-tenant']).toBe('acme')
    expect(last().headers['x-secret']).toBeUndefined()
    expect(last().headers['user-agent']).toBe('AmazonAPIGateway_orders')
  })

  it('selects the integration response by the backend status', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/orders/missing', headers: { 'content-type': 'application/json' }, body: order })
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text)).toEqual({ error: 'no such order' })
  })

  it('counts the whole backend response against timeoutInMillis, body included (504)', async () => {
    const res = await rawRequest(gateway.url, { path: '/v1/stalled-body' })
    expect(res.status).toBe(504)
    expect(JSON.parse(res.text)).toEqual({ message: 'Endpoint request timed out' })
  })

  it('answers 415 when passthrough is NEVER and no template matches', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/orders/1', headers: { 'content-type': 'text/csv' }, body: 'a,b' })
    expect(res.status).toBe(415)
    expect(JSON.parse(res.text)).toEqual({ message: 'Unsupported Media Type' })
  })

  it('answers 400 for a body that is not JSON where the template reads JSON', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/orders/1', headers: { 'content-type': 'application/json' }, body: '{oops' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text).message).toMatch(/^Could not parse request body into json/)
  })

  it('returns a binary backend payload byte for byte when Accept is a binary media type', async () => {
    const res = await rawRequest(gateway.url, { path: '/v1/images/logo', headers: { accept: 'image/png' } })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/png')
    expect(res.body.equals(png)).toBe(true)
  })

  it('base64-encodes the binary payload for a text Accept', async () => {
    const res = await rawRequest(gateway.url, { path: '/v1/images/logo', headers: { accept: 'application/json' } })
    expect(res.text).toBe(png.toString('base64'))
  })

  it('decodes a base64 request body with CONVERT_TO_BINARY', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/upload', headers: { 'content-type': 'text/plain' }, body: png.toString('base64') })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ bytes: [...png] })
  })

  it('refuses CR, LF, NUL and other controls mapped into a header with 400, before the backend', async () => {
    await expectControlCharactersRefused(fixture, '/v1/tagged')
  })

  it('lets a template look a client header up in any case, and lists it as clients usually write it', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/headers', headers: { 'X-Custom': 'sent', 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(200)
    const sent = JSON.parse(JSON.parse(res.text).body)
    expect(sent.get).toBe('sent')
    expect(sent.has).toBe(true)
    expect(sent.keys).toMatch(/^\[.*\bX-Custom\b.*\]$/)
  })
})
