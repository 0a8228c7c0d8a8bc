import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../../src/definitions/compile'
import type { Invocation } from '../../../src/invocation'
import { testInvocation } from '../invocation'
import { integrationRequest } from '../../../src/integration/integration-request'
import { awsTargetOf } from '../../../src/integration/aws/target'
import { serviceRequest } from '../../../src/integration/aws/service-request'
import { awsTraceId } from '../../../src/integration/aws/trace-id'

const table = compileOrThrow([
  {
    file: 'routes/aws.yaml',
    text: `openapi: 3.0.1
x-gateway:
  stages: { dev: { variables: { fn: orders-dev } } }
  awsEndpoints: { sqs: 'http://127.0.0.1:4566/' }
paths:
  /query/{id}:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:eu-west-1:dynamodb:action/Query
        requestTemplates:
          application/json: '{"TableName": "t", "Key": "$input.params(''id'')"}'
  /send:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:eu-west-1:sqs:action/SendMessage
        requestParameters:
          integration.request.querystring.QueueUrl: "'https://sqs.eu-west-1.amazonaws.com/123456789012/q'"
          integration.request.querystring.MessageBody: method.request.body
  /objects/{key}:
    get:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: GET
        uri: arn:aws:apigateway:eu-west-1:s3:path/bucket/{object}
        requestParameters:
          integration.request.path.object: method.request.path.key
  /fn:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:\${stageVariables.fn}/invocations
`,
  },
])
const api = table.apis[0]

const invocation = (path: string, method: string, init: RequestInit = {}, pathParameters: Record<string, string> = {}) =>
  testInvocation(api, path, method, path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? ''), { init, pathParameters })

async function build(inv: Invocation) {
  const req = await integrationRequest(inv)
  return serviceRequest(inv, awsTargetOf(inv, req.pathValues), req)
}

describe('AWS service requests', () => {
  it("names a JSON-protocol action in X-Amz-Target, with AWS's JSON content type", async () => {
    const r = await build(invocation('/query/{id}', 'POST', {}, { id: 'a1' }))
    expect(r).toMatchObject({ url: 'https://dynamodb.eu-west-1.amazonaws.com/', method: 'POST', service: 'dynamodb', region: 'eu-west-1' })
    expect(r.headers.get('x-amz-target')).toBe('DynamoDB_20120810.Query')
    expect(r.headers.get('content-type')).toBe('application/x-amz-json-1.0')
    expect(new TextDecoder().decode(r.body!)).toBe('{"TableName": "t", "Key": "a1"}')
  })

  it('puts a query-protocol action in the query string, before the mapped parameters, at the configured endpoint', async () => {
    const r = await build(invocation('/send', 'POST', { body: 'hello world' }))
    const url = new URL(r.url)
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:4566/')
    expect([...url.searchParams]).toEqual([
      ['Action', 'SendMessage'],
      ['QueueUrl', 'https://sqs.eu-west-1.amazonaws.com/123456789012/q'],
      ['MessageBody', 'hello world'],
    ])
    expect(r.headers.has('x-amz-target')).toBe(false)
  })

  it('fills a path-form ARN from the mapped path parameters and sends no body on GET', async () => {
    const r = await build(invocation('/objects/{key}', 'GET', {}, { key: 'a%20b.txt' }))
    expect(r.url).toBe('https://s3.eu-west-1.amazonaws.com/bucket/a%20b.txt')
    expect(r.body).toBeNull()
    expect(r.headers.get('user-agent')).toBe('AmazonAPIGateway_aws')
  })

  it('fills stage variables in a Lambda function ARN', () => {
    expect(awsTargetOf(invocation('/fn', 'POST'))).toMatchObject({ functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-dev' })
  })

  it("answers 500 when a stage variable leaves the ARN unusable", () => {
    const inv = invocation('/fn', 'POST')
    inv.stage = { ...inv.stage, variables: {} }
    expect(() => awsTargetOf(inv)).toThrow(expect.objectContaining({ type: 'API_CONFIGURATION_ERROR' }))
  })
})

describe('X-Amzn-Trace-Id for AWS integrations', () => {
  const id = '6f1c3c3e-2c65-4c4e-9d5e-5b0f3a0c2f11'
  it('echoes a trace that names its parent', () => {
    const full = 'Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1'
    expect(awsTraceId(full, id, 0)).toBe(full)
  })

  it('adds a parent to a client root', () => {
    expect(awsTraceId('Root=1-3152b799-8954dae64eda91bc9a23a7e8', id, 0)).toMatch(/^Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=[0-9a-f]{16}$/)
  })

  it('starts a trace when the client sent none', () => {
    expect(awsTraceId(null, id, Date.UTC(2026, 10, 24))).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/)
  })
})
