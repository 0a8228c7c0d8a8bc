import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../../src/definitions/compile'
import { proxyEvent } from '../../../src/integration/lambda-proxy/event'
import { testInvocation } from '../invocation'

const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations'
const api = (stageVariables = '{}') =>
  compileOrThrow([
    {
      file: 'routes/p.yaml',
      text: `openapi: 3.0.1
x-amazon-apigateway-binary-media-types: [image/png]
x-gateway: { apiId: abc123, stages: { prod: { variables: ${stageVariables} } } }
paths:
  /items/{id+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn}' }
  /plain:
    post:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn}' }
`,
    },
  ]).apis[0]

const trace = 'Root=1-6b058f01-7e6d486083111c3ba775a81e;Parent=518806dfbcc391d4;Sampled=0'

describe('Lambda proxy event (format 1.0)', () => {
  it('keeps the raw path without the stage, raw path parameters, and the resource template', async () => {
    const inv = testInvocation(api(), '/items/{id+}', 'GET', '/items/a%2Bb/c', { pathParameters: { id: 'a%2Bb/c' } })
    const event = await proxyEvent(inv, trace)
    expect(event).toMatchObject({ resource: '/items/{id+}', path: '/items/a%2Bb/c', httpMethod: 'GET', pathParameters: { id: 'a%2Bb/c' } })
    expect(event.requestContext).toMatchObject({ path: '/prod/items/a%2Bb/c', resourcePath: '/items/{id+}', stage: 'prod', apiId: 'abc123', domainPrefix: 'abc123' })
  })

  it('has exactly the REST requestContext keys, and null where AWS has nothing', async () => {
    const event = await proxyEvent(testInvocation(api(), '/plain', 'POST', '/plain'), trace)
    expect(Object.keys(event.requestContext).sort()).toEqual(
      ['accountId', 'apiId', 'deploymentId', 'domainName', 'domainPrefix', 'extendedRequestId', 'httpMethod', 'identity', 'path', 'protocol', 'requestId', 'requestTime', 'requestTimeEpoch', 'resourceId', 'resourcePath', 'stage'],
    )
    expect(event.requestContext.requestTimeEpoch).toBe(Date.UTC(2026, 10, 24, 9, 30))
    expect(event).toMatchObject({ pathParameters: null, stageVariables: null, queryStringParameters: null, multiValueQueryStringParameters: null, body: null, isBase64Encoded: false })
  })

  it('form-decodes the query; the single-value map keeps the last value', async () => {
    const event = await proxyEvent(testInvocation(api(), '/plain', 'POST', '/plain?a=1&a=x+y&b=%2B'), trace)
    expect(event.queryStringParameters).toEqual({ a: 'x y', b: '+' })
    expect(event.multiValueQueryStringParameters).toEqual({ a: ['1', 'x y'], b: ['+'] })
  })

  it('keeps query parameters and headers named like object members (constructor, __proto__)', async () => {
    const inv = testInvocation(api(), '/plain', 'POST', '/plain?constructor=1&__proto__=2&constructor=3', { init: { headers: { constructor: 'c' } } })
    const event = JSON.parse(JSON.stringify(await proxyEvent(inv, trace)))
    // Own keys, as JSON.parse makes them (a `__proto__:` literal would set the prototype instead).
    expect(event.multiValueQueryStringParameters).toEqual(JSON.parse('{"constructor": ["1", "3"], "__proto__": ["2"]}'))
    expect(event.queryStringParameters).toEqual(JSON.parse('{"constructor": "3", "__proto__": "2"}'))
    expect(event.headers.Constructor).toBe('c')
  })

  it('drops hop-by-hop headers and adds Host, X-Forwarded-* and the trace id', async () => {
    const init = { headers: { authorization: 'secret', 'content-md5': 'x', expect: '100-continue', via: '1.1 p', 'x-forwarded-for': '198.51.100.1' }, body: 'hi' }
    const event = await proxyEvent(testInvocation(api(), '/plain', 'POST', '/plain', { init }), trace)
    expect(event.headers).toEqual({
      Authorization: 'secret',
      'Content-Type': 'text/plain;charset=UTF-8',
      Via: '1.1 p',
      Host: 'abc123.execute-api.localhost',
      'X-Forwarded-For': '198.51.100.1, 203.0.113.7',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
      'X-Amzn-Trace-Id': trace,
    })
    expect(event.multiValueHeaders.Authorization).toEqual(['secret'])
    expect(event.body).toBe('hi')
  })

  it('base64-encodes a body whose Content-Type is a binary media type', async () => {
    const init = { headers: { 'content-type': 'image/png' }, body: new Uint8Array([0x89, 0x50, 0xff]) }
    const event = await proxyEvent(testInvocation(api(), '/plain', 'POST', '/plain', { init }), trace)
    expect(event).toMatchObject({ body: 'iVD/', isBase64Encoded: true })
  })

  it('passes stage variables', async () => {
    const event = await proxyEvent(testInvocation(api('{ table: orders }'), '/plain', 'POST', '/plain'), trace)
    expect(event.stageVariables).toEqual({ table: 'orders' })
  })
})
