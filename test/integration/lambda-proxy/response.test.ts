import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../../src/definitions/compile'
import { proxyResponse } from '../../../src/integration/lambda-proxy/response'
import { testInvocation } from '../invocation'

const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations'
const api = compileOrThrow([
  {
    file: 'routes/p.yaml',
    text: `openapi: 3.0.1
x-amazon-apigateway-binary-media-types: [image/png]
paths:
  /p:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn}' }
`,
  },
]).apis[0]

const read = (payload: unknown, accept?: string) =>
  proxyResponse(testInvocation(api, '/p', 'GET', '/p', { init: accept ? { headers: { accept } } : {} }), typeof payload === 'string' ? payload : JSON.stringify(payload))

describe('Lambda proxy response (format 1.0)', () => {
  it('takes a numeric-string statusCode, 200 when absent, with JSON as the default type', async () => {
    expect(read({ statusCode: '201' }).status).toBe(201)
    const res = read({ headers: { 'x-a': 'b' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe('')
  })

  it.each([
    ['an unknown key', { statusCode: 200, wrongValue: 1 }],
    ['an empty object', {}],
    ['a bare string', '"justAString"'],
    ['a statusCode that is no number', { statusCode: 'test' }],
    ['a multi-value header that is no list', { multiValueHeaders: { a: 'b' } }],
    ['a body that is no string', { body: { a: 1 } }],
    ['no JSON at all', 'oops'],
  ])('answers 502 for %s', (_, payload) => {
    expect(() => read(payload)).toThrow(expect.objectContaining({ type: 'INTEGRATION_FAILURE', options: { status: 502 } }))
  })

  it('stringifies header values and merges multi values first, keeping the multi casing', () => {
    const res = read({ headers: { 'x-bool': true, 'x-Multi': 'solo' }, multiValueHeaders: { 'X-MULTI': ['one', 'two'] } })
    expect(res.headers.get('x-bool')).toBe('true')
    expect(res.headers.get('x-multi')).toBe('one, two, solo')
  })

  it('sends every Set-Cookie on its own line', () => {
    const res = read({ multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] } })
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  it("decodes a base64 body only when the client's first Accept type is binary", async () => {
    const payload = { body: 'iVD/', isBase64Encoded: true, headers: { 'content-type': 'image/png' } }
    expect(new Uint8Array(await read(payload, 'image/png').arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0xff]))
    // Read as bytes: .text() on an image/png body makes workerd warn.
    expect(new TextDecoder().decode(await read(payload, 'image/webp,image/png').arrayBuffer())).toBe('iVD/')
    expect(new TextDecoder().decode(await read(payload).arrayBuffer())).toBe('iVD/')
    expect(() => read({ ...payload, body: 'è)(' }, 'image/png')).toThrow(expect.objectContaining({ type: 'API_CONFIGURATION_ERROR' }))
  })
})
