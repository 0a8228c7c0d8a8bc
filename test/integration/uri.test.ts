import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { compileRequestPlan } from '../../src/integration/request-plan'
import { backendUrl, checkPathValue, fillUri } from '../../src/integration/uri'
import { GatewayError } from '../../src/gateway-responses/error'
import { dotSegmentValues, notDotSegments } from './dot-segments'

const integration = (uri: string) =>
  compileOrThrow([
    {
      file: 'routes/u.yaml',
      text: `openapi: 3.0.1
x-gateway: { stages: { dev: { variables: { host: '127.0.0.1:9' } } } }
paths:
  /public/{proxy+}:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${uri}
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
`,
    },
  ]).apis[0].resources.find((r) => r.path === '/public/{proxy+}')!.methods.GET.integration

const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e instanceof GatewayError ? `${e.type}` : `not a gateway error: ${e}`
  }
  return 'passed'
}

describe('dot-segments in path values', () => {
  it('refuses every spelling of . and .. with 400 Bad Request, whatever separates it', () => {
    const values = dotSegmentValues()
    expect(values.length).toBeGreaterThan(150)
    for (const value of values) expect(refusal(() => checkPathValue(value)), value).toBe('DEFAULT_4XX')
  })

  it('passes values whose dots are not whole segments', () => {
    for (const value of notDotSegments) expect(refusal(() => checkPathValue(value)), value).toBe('passed')
  })

  it('refuses them in the path of the filled URI and leaves the literal prefix alone', () => {
    const plan = compileRequestPlan(integration('http://${stageVariables.host}/public/{proxy}'))
    expect(backendUrl(plan, { host: '127.0.0.1:9' }, { proxy: 'a/b.txt' })).toBe('http://127.0.0.1:9/public/a/b.txt')
    expect(refusal(() => backendUrl(plan, { host: '127.0.0.1:9' }, { proxy: '%2e%2e/keyed' }))).toBe('DEFAULT_4XX')
  })

  it('lets a value placed in the query hold dots: it cannot move the path', () => {
    const plan = compileRequestPlan(integration('http://127.0.0.1:9/search?term={proxy}'))
    expect(fillUri(plan.uri, {}, { proxy: '..' })).toBe('http://127.0.0.1:9/search?term=..')
  })

  it('refuses them in AWS path targets filled from the same template parts', () => {
    const plan = compileRequestPlan({ ...integration('http://127.0.0.1:9/public/{proxy}'), uri: 'arn:aws:apigateway:us-east-1:s3:path/bucket/{proxy}' })
    expect(fillUri(plan.uri, {}, { proxy: 'a/b' })).toBe('arn:aws:apigateway:us-east-1:s3:path/bucket/a/b')
    expect(refusal(() => fillUri(plan.uri, {}, { proxy: 'a/.%2E/b' }))).toBe('DEFAULT_4XX')
  })
})
