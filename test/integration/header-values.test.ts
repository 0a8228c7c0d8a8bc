import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import { checkHeaderValue } from '../../src/integration/request-headers'

/**
 * A header value a mapping or template produces that HTTP cannot carry (issue 13, defect 5) is
 * AWS's 400 BAD_REQUEST_PARAMETERS for every integration type, never a 5xx. The HTTP backends
 * point at a port where nothing listens: a request that got past the check would be a 5xx.
 */

const nowhere = 'http://127.0.0.1:9'
const lambda = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations'
const q = `parameters: [{ name: q, in: query }]`
const toHeader = `requestParameters: { integration.request.header.x-q: method.request.querystring.q }`
const ok = `responses: { default: { statusCode: '200' } }`

const handle = createPipeline(
  compileOrThrow([
    {
      file: 'routes/h.yaml',
      text: `openapi: 3.0.1
x-gateway: { stages: { dev: {} }, awsEndpoints: { default: '${nowhere}' } }
paths:
  /http-proxy:
    get:
      ${q}
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${nowhere}/x', ${toHeader} }
  /http:
    get:
      ${q}
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration: { type: http, httpMethod: GET, uri: '${nowhere}/x', ${toHeader}, ${ok} }
  /aws:
    post:
      ${q}
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration: { type: aws, httpMethod: POST, uri: '${lambda}', ${toHeader}, ${ok} }
  /http-override:
    get:
      ${q}
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: '${nowhere}/x'
        requestTemplates: { application/json: "#set($context.requestOverride.header.x-q = $input.params('q'))" }
        ${ok}
  /mock-parameter:
    get:
      ${q}
      responses: { '200': { description: ok, headers: { x-q: { schema: { type: string } } } } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseParameters: { method.response.header.x-q: method.request.querystring.q } } }
  /mock-override:
    get:
      ${q}
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates: { application/json: "#set($context.responseOverride.header.x-q = $input.params('q'))" }
`,
    },
  ]),
)

/** Every character HTTP forbids in a header value: C0 controls but the tab, and DEL. */
const forbidden = [...Array.from({ length: 32 }, (_, c) => c).filter((c) => c !== 9), 127].map((c) => String.fromCharCode(c))

const send = (path: string, value: string) =>
  handle(new Request(`http://gw/dev${path}?q=${encodeURIComponent(`a${value}b`)}`, { method: path === '/aws' ? 'POST' : 'GET' }))

describe('header values HTTP cannot carry', () => {
  it('are refused whatever the forbidden character', () => {
    for (const c of forbidden) {
      expect(() => checkHeaderValue('x-q', `a${c}b`), `\\x${c.charCodeAt(0).toString(16)}`).toThrow(/control characters/)
    }
    expect(checkHeaderValue('x-q', 'tab\tspace é €')).toBe('tab\tspace é €')
  })

  for (const path of ['/http-proxy', '/http', '/aws', '/http-override', '/mock-parameter', '/mock-override']) {
    it(`${path}: CR, LF, NUL and other controls are 400 BAD_REQUEST_PARAMETERS, never a 5xx`, async () => {
      for (const c of ['\r', '\n', '\r\n', '\0', '\x01', '\x7f']) {
        const res = await send(path, c)
        expect(res.status, JSON.stringify(c)).toBe(400)
        expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException')
        expect(await res.json()).toEqual({ message: 'Invalid header value for x-q: control characters are not allowed' })
      }
    })
  }

  it('lets a value without them through (the mock answers with it)', async () => {
    for (const path of ['/mock-parameter', '/mock-override']) {
      const res = await send(path, ' ')
      expect(res.status).toBe(200)
      expect(res.headers.get('x-q')).toBe('a b')
    }
  })
})
