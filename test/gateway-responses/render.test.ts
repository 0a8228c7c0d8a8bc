import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import { catalogue } from '../../src/gateway-responses/catalogue'
import { GatewayError } from '../../src/gateway-responses/error'
import { renderGatewayResponse } from '../../src/gateway-responses/render'
import { corpusRuns } from '../e2e/conformance/corpus'

// The corpus is in the repository (test/conformance/); a glob (unlike an import) yields nothing when it is absent.
const corpus = import.meta.glob<{ items: { responseType: string; defaultStatusCode: string | null }[] }>(
  '../conformance/gateway-response-defaults.json',
  { eager: true, import: 'default' },
)
const defaults = Object.values(corpus)[0]

const api = (gatewayResponses: string) =>
  compileOrThrow([
    {
      file: 'routes/t.yaml',
      text: `openapi: 3.0.1
x-gateway: { stages: { dev: { variables: { team: core } } } }
paths:
  /ok:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
x-amazon-apigateway-gateway-responses:
${gatewayResponses}`,
    },
  ])

const ids = { requestId: 'r-1', extendedRequestId: 'e-1' }

describe('the catalogue', () => {
  if (!corpusRuns('gateway response defaults', 'test/conformance/gateway-response-defaults.json', defaults !== undefined)) return
  it('has every AWS response type with its recorded default status (test/conformance)', () => {
    for (const item of defaults!.items) {
      const entry = catalogue[item.responseType as keyof typeof catalogue]
      expect(entry, item.responseType).toBeDefined()
      if (item.defaultStatusCode) expect(String(entry.status), item.responseType).toBe(item.defaultStatusCode)
    }
    expect(Object.keys(catalogue)).toHaveLength(defaults!.items.length)
  })
})

describe('renderGatewayResponse', () => {
  it('renders the built-in default as AWS does', async () => {
    const res = renderGatewayResponse(new GatewayError('THROTTLED'), ids)
    expect(res.status).toBe(429)
    expect(res.headers.get('x-amzn-ErrorType')).toBe('TooManyRequestsException')
    expect(res.headers.get('x-amzn-RequestId')).toBe('r-1')
    expect(res.headers.get('x-amz-apigw-id')).toBe('e-1')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.text()).toBe('{"message": "Too Many Requests"}')
  })

  it('renders the recorded 36-byte 500 body', async () => {
    const res = renderGatewayResponse(new GatewayError('API_CONFIGURATION_ERROR'), ids)
    expect((await res.arrayBuffer()).byteLength).toBe(36)
  })

  it("uses the type's own override: status, template and header", async () => {
    const table = api(`  MISSING_AUTHENTICATION_TOKEN:
    statusCode: '404'
    responseParameters: { gatewayresponse.header.x-team: stageVariables.team, gatewayresponse.header.x-fixed: "'yes'" }
    responseTemplates: { application/json: '{"error": $context.error.messageString, "type": "$context.error.responseType", "stage": "$context.stage"}' }`)
    const res = await createPipeline(table)(new Request('http://gw/dev/missing'))
    expect(res.status).toBe(404)
    expect(res.headers.get('x-team')).toBe('core')
    expect(res.headers.get('x-fixed')).toBe('yes')
    expect(await res.json()).toEqual({ error: 'Missing Authentication Token', type: 'MISSING_AUTHENTICATION_TOKEN', stage: 'dev' })
  })

  it('falls back to DEFAULT_4XX, whose statusCode re-statuses unconfigured 4XX types', async () => {
    const table = api(`  DEFAULT_4XX:
    statusCode: '400'
    responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "'*'" }`)
    const res = await createPipeline(table)(new Request('http://gw/dev/missing'))
    expect(res.status).toBe(400)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' })
  })

  it('keeps the 5XX class apart from DEFAULT_4XX', () => {
    const table = api(`  DEFAULT_4XX: { statusCode: '418' }`)
    const res = renderGatewayResponse(new GatewayError('INTEGRATION_TIMEOUT'), { ...ids, api: table.apis[0] })
    expect(res.status).toBe(504)
  })

  it('keeps the type default status when DEFAULT_5XX sets none', async () => {
    const table = api(`  DEFAULT_5XX:
    responseTemplates: { application/json: '{"oops": $context.error.messageString}' }`)
    const res = renderGatewayResponse(new GatewayError('INTEGRATION_TIMEOUT'), { ...ids, api: table.apis[0] })
    expect(res.status).toBe(504)
    expect(await res.json()).toEqual({ oops: 'Endpoint request timed out' })
  })
})
