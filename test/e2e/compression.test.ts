import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'

// x-amazon-apigateway-minimum-compression-size: what AWS compresses, end to end through `gateway serve`.
const minimum = 1000
const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) })
/** What /mapped's response template renders. */
const mapped = Array.from({ length: 100 }, (_, i) => `{"n": ${i + 1}, "text": "a mapped line"}`).join('')

const proxy = (path: string, port: number) => `
  ${path}:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}${path}' }`

const api = (port: number) => `openapi: 3.0.1
info: { title: compressed, version: '1' }
x-amazon-apigateway-minimum-compression-size: ${minimum}
x-gateway: { stages: { dev: {} } }
paths:
  /mapped:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '#foreach($i in [1..100]){"n": $i, "text": "a mapped line"}#end'
  /small:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"small": true}' } } }
${proxy('/sized', port)}${proxy('/chunked', port)}${proxy('/chunked-small', port)}${proxy('/encoded', port)}
  /orders:
    post:
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Order' } } } }
      x-amazon-apigateway-request-validator: body
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: http://127.0.0.1:${port}/orders
        requestTemplates:
          application/json: '{"item": $input.json(''$.item''), "count": $input.path(''$.count'')}'
        responses: { default: { statusCode: '200' } }
  /echo:
    post:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": #if($input.path(''$.hello'') == "world")200#{else}404#end}'
        responses:
          '404': { statusCode: '404' }
          default: { statusCode: '200', responseTemplates: { application/json: '{"matched": true}' } }
x-amazon-apigateway-request-validators:
  body: { validateRequestBody: true, validateRequestParameters: false }
components:
  schemas:
    Order: { type: object, required: [item], properties: { item: { type: string }, count: { type: integer } } }
`

let fixture: Fixture

beforeAll(async () => {
  fixture = await serveWithBackend((port) => ({ 'api.yaml': api(port) }), {
    '/sized': (_, res) => void res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }).end(big),
    '/chunked-small': (_, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('tiny'),
    '/chunked': (_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      // In pieces, so the gateway sees a stream of unknown length.
      res.write(big.slice(0, 300))
      setTimeout(() => res.end(big.slice(300)), 20)
    },
    '/encoded': (_, res) => void res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(big)),
  })
}, 60_000)
afterAll(() => fixture?.stop())

const get = (path: string, acceptEncoding?: string) =>
  rawRequest(fixture.gateway.url, { path: `/dev${path}`, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } })

describe('payload compression', () => {
  it('gzips a mapped response at least the minimum size, after the template', async () => {
    const res = await get('/mapped', 'gzip, deflate, br')
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(mapped.length).toBeGreaterThanOrEqual(minimum)
    expect(gunzipSync(res.body).toString('utf8')).toBe(mapped)
    expect(res.body.length).toBeLessThan(mapped.length)
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('uses deflate when the client prefers it', async () => {
    const res = await get('/sized', 'gzip;q=0.5, deflate')
    expect(res.headers['content-encoding']).toBe('deflate')
    expect(inflateSync(res.body).toString('utf8')).toBe(big)
  })

  it('compresses a streamed proxy response of unknown length, and leaves a short one as it is', async () => {
    const streamed = await get('/chunked', 'gzip')
    expect(streamed.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(streamed.body).toString('utf8')).toBe(big)
    const short = await get('/chunked-small', 'gzip')
    expect(short.headers['content-encoding']).toBeUndefined()
    expect(short.text).toBe('tiny')
  })

  it.each([
    ['no Accept-Encoding (it means *)', '/mapped', undefined],
    ['identity', '/mapped', 'identity'],
    ['an unsupported first choice', '/mapped', 'br, gzip'],
    ['gzip refused with q=0', '/mapped', 'gzip;q=0'],
    ['a body under the minimum', '/small', 'gzip'],
  ])('sends the body uncompressed for %s', async (_, path, acceptEncoding) => {
    const res = await get(path, acceptEncoding)
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.text).toBe(path === '/small' ? '{"small": true}' : mapped)
  })

  it('passes an already encoded integration response through without encoding it again', async () => {
    const res = await get('/encoded', 'gzip')
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(res.body).toString('utf8')).toBe(big)
  })
})

describe('request payload decompression', () => {
  const post = (path: string, body: Buffer, contentEncoding: string) =>
    rawRequest(fixture.gateway.url, { method: 'POST', path: `/dev${path}`, headers: { 'content-type': 'application/json', 'content-encoding': contentEncoding }, body })

  it('decompresses a gzip body before validation and the request template', async () => {
    const res = await post('/orders', gzipSync(JSON.stringify({ item: 'tea', count: 3 })), 'gzip')
    expect(res.status).toBe(200)
    expect(JSON.parse(fixture.last().body.toString('utf8'))).toEqual({ item: 'tea', count: 3 })
  })

  it('decompresses deflate for a mock template, and validates the decoded body', async () => {
    const res = await post('/echo', deflateSync(JSON.stringify({ hello: 'world' })), 'deflate')
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ matched: true })
    expect((await post('/echo', deflateSync(JSON.stringify({ hello: 'moon' })), 'deflate')).status).toBe(404)
    const invalid = await post('/orders', gzipSync(JSON.stringify({ count: 3 })), 'gzip')
    expect(invalid.status).toBe(400)
    expect(JSON.parse(invalid.text)).toEqual({ message: 'Invalid request body' })
  })

  it('refuses a body that is not what its Content-Encoding says with 400, and one inflating past 10 MB with 413', async () => {
    const corrupt = await post('/echo', Buffer.from('not gzip at all'), 'gzip')
    expect(corrupt.status).toBe(400)
    expect(corrupt.headers['x-amzn-errortype']).toBe('BadRequestException')
    const bomb = gzipSync(Buffer.alloc(11 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(100_000)
    const tooLarge = await post('/echo', bomb, 'gzip')
    expect(tooLarge.status).toBe(413)
    expect(JSON.parse(tooLarge.text)).toEqual({ message: 'Request Too Long' })
  })
})
