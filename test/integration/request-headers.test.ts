import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { integrationRequestHeaders } from '../../src/integration/request-headers'
import { compileRequestPlan } from '../../src/integration/request-plan'
import { testInvocation } from './invocation'

const api = (endpointType: 'EDGE' | 'REGIONAL', mapping = '{}') =>
  compileOrThrow([
    {
      file: 'routes/h.yaml',
      text: `openapi: 3.0.1
x-gateway: { apiId: hdr123, endpointType: ${endpointType}, stages: { prod: {} } }
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:9/items
        requestParameters: ${mapping}
`,
    },
  ]).apis[0]

const client = { headers: { accept: 'text/plain', connection: 'keep-alive', via: '1.1 cdn', 'x-forwarded-for': '198.51.100.1', 'cf-ray': 'abc' } }

describe('integration request headers (HTTP_PROXY)', () => {
  it('forwards the client headers AWS forwards, adds its own and appends the client to X-Forwarded-For at the edge', () => {
    const inv = testInvocation(api('EDGE'), '/items', 'GET', '/items', { init: client })
    const headers = integrationRequestHeaders(inv, compileRequestPlan(inv.method!.integration), true)
    expect(headers.accept).toBe('text/plain')
    for (const dropped of ['connection', 'via', 'cf-ray']) expect(dropped in headers).toBe(false)
    expect(headers['x-forwarded-for']).toBe('198.51.100.1, 203.0.113.7')
    expect(headers['x-amzn-apigateway-api-id']).toBe('hdr123')
    expect(headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/)
  })

  it('leaves X-Forwarded-For as the client sent it on a REGIONAL endpoint', () => {
    const inv = testInvocation(api('REGIONAL'), '/items', 'GET', '/items', { init: client })
    expect(integrationRequestHeaders(inv, compileRequestPlan(inv.method!.integration), true)['x-forwarded-for']).toBe('198.51.100.1')
  })

  it('lets a mapping replace X-Forwarded-For, edge or not', () => {
    const inv = testInvocation(api('EDGE', `{ integration.request.header.X-Forwarded-For: "'10.0.0.1'" }`), '/items', 'GET', '/items', { init: client })
    expect(integrationRequestHeaders(inv, compileRequestPlan(inv.method!.integration), true)['x-forwarded-for']).toBe('10.0.0.1')
  })
})
