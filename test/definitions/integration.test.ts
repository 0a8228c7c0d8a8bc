import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (integration: string, xGateway = '') =>
  compileDefinitions([
    {
      file: 'routes/aws.yaml',
      text: `openapi: 3.0.1
${xGateway}
paths:
  /orders/{id}:
    post:
      x-amazon-apigateway-integration:
${integration.replace(/^/gm, '        ')}`,
    },
  ])
const messages = (integration: string, xGateway = '') => compile(integration, xGateway).errors.map(formatError)
const at = '$.paths["/orders/{id}"].post["x-amazon-apigateway-integration"]'
const lambda = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders/invocations'

describe('AWS integration definitions', () => {
  it('compiles a Lambda integration with a role, and the API endpoints without trailing slashes', () => {
    const { table, errors } = compile(
      `type: aws\nhttpMethod: POST\nuri: ${lambda}\ncredentials: arn:aws:iam::123456789012:role/invoke`,
      `x-gateway: { awsEndpoints: { lambda: 'http://127.0.0.1:9001/', default: 'http://localhost:4566' } }`,
    )
    expect(errors).toEqual([])
    expect(table.apis[0].awsEndpoints).toEqual({ lambda: 'http://127.0.0.1:9001', default: 'http://localhost:4566' })
    expect(table.apis[0].resources[0].methods.POST.integration).toMatchObject({ type: 'aws', credentialsRole: 'arn:aws:iam::123456789012:role/invoke' })
  })

  it('takes the caller-credentials marker as no role', () => {
    const { table, errors } = compile(`type: AWS\nhttpMethod: POST\nuri: ${lambda}\ncredentials: 'arn:aws:iam::*:user/*'`)
    expect(errors).toEqual([])
    expect(table.apis[0].resources[0].methods.POST.integration).not.toHaveProperty('credentialsRole')
  })

  it('reports a malformed ARN uri with file, JSON path and reason', () => {
    expect(messages('type: aws\nhttpMethod: POST\nuri: arn:aws:apigateway:us-east-1:sqs:queue/orders')).toEqual([
      `routes/aws.yaml: ${at}.uri: "arn:aws:apigateway:us-east-1:sqs:queue/orders" is not an AWS integration ARN (arn:aws:apigateway:{region}:{service}:path/{path} or :action/{Action})`,
    ])
  })

  it('reports a missing uri and httpMethod', () => {
    expect(messages('type: aws')).toEqual([
      `routes/aws.yaml: ${at}.httpMethod: an AWS integration needs httpMethod (POST for Lambda)`,
      `routes/aws.yaml: ${at}.uri: an AWS integration needs a uri (arn:aws:apigateway:{region}:{service}:path/… or :action/…)`,
    ])
  })

  it('refuses placeholders that could move the target, and unmapped ones', () => {
    const errors = messages(
      `type: aws\nhttpMethod: POST\nuri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:{id}/invocations\nrequestParameters: { integration.request.path.id: method.request.path.id }`,
    )
    expect(errors).toEqual([`routes/aws.yaml: ${at}.uri: a Lambda function ARN may hold \${stageVariables.x}, not {path} placeholders`])
    expect(messages('type: aws\nhttpMethod: GET\nuri: arn:aws:apigateway:us-east-1:s3:path/bucket/{key}')).toEqual([
      `routes/aws.yaml: ${at}.uri: {key} has no mapping: add requestParameters."integration.request.path.key" (e.g. "method.request.path.key")`,
    ])
  })

  it('accepts stage variables in a function ARN', () => {
    const uri = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations'
    expect(messages(`type: aws\nhttpMethod: POST\nuri: '${uri}'`)).toEqual([])
  })

  it('reports bad credentials and endpoints', () => {
    expect(messages(`type: aws\nhttpMethod: POST\nuri: ${lambda}\ncredentials: arn:aws:iam::123456789012:user/bob`)).toEqual([
      `routes/aws.yaml: ${at}.credentials: "arn:aws:iam::123456789012:user/bob" is neither an IAM role ARN (arn:aws:iam::{account}:role/{name}) nor arn:aws:iam::*:user/*`,
    ])
    expect(messages(`type: aws\nhttpMethod: POST\nuri: ${lambda}`, `x-gateway: { awsEndpoints: { lambda: 'localhost:9001', Bad_Name: 'http://x' } }`)).toEqual([
      'routes/aws.yaml: $["x-gateway"].awsEndpoints.lambda: must be an http(s) URL such as http://localhost:4566',
      'routes/aws.yaml: $["x-gateway"].awsEndpoints.Bad_Name: keys are service names as in integration ARNs (lambda, sqs, dynamodb, sts …) or default',
    ])
  })

  it('warns that a Lambda integration with another method than POST fails every call', () => {
    const { errors, warnings } = compile(`type: aws_proxy\nhttpMethod: GET\nuri: ${lambda}`)
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([`routes/aws.yaml: ${at}.httpMethod: Lambda is invoked with POST: with GET every call fails with a 500, as on AWS`])
  })

  it('keeps payload format 2.0 to HTTP APIs', () => {
    const integration = `type: aws_proxy\nhttpMethod: POST\nuri: ${lambda}\npayloadFormatVersion: '2.0'`
    expect(messages(integration)).toEqual([`routes/aws.yaml: ${at}.payloadFormatVersion: payload format 2.0 is for HTTP APIs (x-gateway.protocolType: HTTP); REST APIs use 1.0`])
    expect(messages(integration, 'x-gateway: { protocolType: HTTP }')).toEqual([])
  })
})

describe('connections the edge cannot make', () => {
  it('serves a VPC link or unverified-TLS integration, and warns about each', () => {
    const { errors, warnings } = compile(
      `type: http_proxy\nhttpMethod: POST\nuri: https://internal-nlb.elb.amazonaws.com/orders/{id}\nrequestParameters: { integration.request.path.id: method.request.path.id }\nconnectionType: VPC_LINK\nconnectionId: abc123\ntlsConfig: { insecureSkipVerification: true }`,
    )
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([
      `routes/aws.yaml: ${at}.connectionType: VPC links do not exist here: the uri is called directly, so its host must be reachable from the gateway`,
      `routes/aws.yaml: ${at}.tlsConfig.insecureSkipVerification: ignored: the runtime always verifies the backend's certificate`,
    ])
    expect(compile(`type: http_proxy\nhttpMethod: POST\nuri: https://api.example.com/orders\nconnectionType: INTERNET`).warnings).toEqual([])
  })
})
