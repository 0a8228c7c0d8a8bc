import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../../src/definitions/compile'
import { proxyEventV2 } from '../../../src/integration/lambda-proxy/event-v2'
import { proxyResponseV2 } from '../../../src/integration/lambda-proxy/response-v2'
import { testInvocation } from '../invocation'

const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations'
const api = compileOrThrow([
  {
    file: 'routes/h.yaml',
    text: `openapi: 3.0.1
x-gateway: { apiId: h1, protocolType: HTTP, stages: { dev: {} } }
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn}', payloadFormatVersion: '2.0' }
  /upload:
    post:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn}', payloadFormatVersion: '2.0' }
`,
  },
]).apis[0]
const trace = 'Root=1-6b058f01-7e6d486083111c3ba775a81e;Parent=518806dfbcc391d4;Sampled=0'

describe('Lambda proxy event, format 2.0', () => {
  it('has the route key, the raw path with its stage, the raw and joined query, cookies apart', async () => {
    const init = { headers: { cookie: 'a=1; b=2', 'X-Custom': 'v' } }
    const event = await proxyEventV2(testInvocation(api, '/pets/{id}', 'GET', '/pets/7?q=1&q=2&r=%20x', { init, pathParameters: { id: '7' } }), trace)
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /pets/{id}',
      rawPath: '/dev/pets/7',
      rawQueryString: 'q=1&q=2&r=%20x',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { q: '1,2', r: ' x' },
      pathParameters: { id: '7' },
      isBase64Encoded: false,
      requestContext: { routeKey: 'GET /pets/{id}', stage: 'dev', apiId: 'h1', http: { method: 'GET', path: '/dev/pets/7', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7' } },
    })
    expect(event.headers).toMatchObject({ 'x-custom': 'v', 'x-amzn-trace-id': trace, 'x-forwarded-proto': 'https' })
    expect(event.headers.cookie).toBeUndefined()
    expect(event).not.toHaveProperty('body')
    expect(event).not.toHaveProperty('stageVariables')
  })

  it('base64-encodes a body that is not text', async () => {
    const init = { headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 255]) }
    expect(await proxyEventV2(testInvocation(api, '/upload', 'POST', '/upload', { init }), trace)).toMatchObject({ body: 'AQL/', isBase64Encoded: true })
    const json = { headers: { 'content-type': 'application/vnd.api+json' }, body: '{"a":1}' }
    expect(await proxyEventV2(testInvocation(api, '/upload', 'POST', '/upload', { init: json }), trace)).toMatchObject({ body: '{"a":1}', isBase64Encoded: false })
  })
})

describe('Lambda proxy response, format 2.0', () => {
  const read = (payload: string) => proxyResponseV2(testInvocation(api, '/pets/{id}', 'GET', '/pets/7'), payload)

  it('infers a 200 JSON response from a result without statusCode (a string as it is)', async () => {
    const object = read('{"message": "hi"}')
    expect(object.status).toBe(200)
    expect(object.headers.get('content-type')).toBe('application/json')
    expect(await object.text()).toBe('{"message":"hi"}')
    expect(await read('"Hello"').text()).toBe('Hello')
  })

  it('reads the structured form: cookies as Set-Cookie, base64 always decoded', async () => {
    const res = read(JSON.stringify({ statusCode: 201, headers: { 'x-a': 1 }, cookies: ['s=1', 't=2'], body: 'AQL/', isBase64Encoded: true }))
    expect(res.status).toBe(201)
    expect(res.headers.get('x-a')).toBe('1')
    expect(res.headers.getSetCookie()).toEqual(['s=1', 't=2'])
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 255]))
  })

  it("answers HTTP APIs' 500 for an unusable result", () => {
    for (const payload of ['oops', '{"statusCode": "x"}', '{"statusCode": 200, "cookies": "a=1"}']) {
      expect(() => read(payload)).toThrow(expect.objectContaining({ type: 'INTEGRATION_FAILURE', options: expect.objectContaining({ status: 500, message: 'Internal Server Error' }) }))
    }
  })
})
