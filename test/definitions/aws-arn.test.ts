import { describe, expect, it } from 'vitest'
import { checkFunctionArn, parseCredentials, parseIntegrationArn } from '../../src/definitions/aws-arn'

const fn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders'

describe('integration ARNs', () => {
  it("reads a Lambda Invoke API path and its function", () => {
    expect(parseIntegrationArn(`arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fn}/invocations`)).toEqual({
      region: 'eu-west-1',
      service: 'lambda',
      path: `2015-03-31/functions/${fn}/invocations`,
      functionArn: fn,
    })
  })

  it('keeps a function qualifier', () => {
    const target = parseIntegrationArn(`arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fn}:live/invocations`)
    expect(target).toMatchObject({ functionArn: `${fn}:live` })
  })

  it('reads service path and action forms, in any partition', () => {
    expect(parseIntegrationArn('arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders')).toEqual({
      region: 'us-east-1',
      service: 'sqs',
      path: '123456789012/orders',
    })
    expect(parseIntegrationArn('arn:aws-cn:apigateway:cn-north-1:dynamodb:action/Query')).toEqual({ region: 'cn-north-1', service: 'dynamodb', action: 'Query' })
  })

  it('treats other Lambda paths as plain service paths', () => {
    expect(parseIntegrationArn('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions')).not.toHaveProperty('functionArn')
  })

  it.each([
    ['https://example.com/x', /is not an AWS integration ARN/],
    ['arn:aws:apigateway:us-east-1:sqs:queue/x', /is not an AWS integration ARN/],
    ['arn:aws:apigateway:us-east-1:sqs:path/', /names no path after "path\/"/],
    ['arn:aws:apigateway:us-east-1:dynamodb:action/Query?x=1', /is not an action name/],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', /is not an AWS integration ARN/],
  ])('refuses %s', (uri, reason) => {
    expect(parseIntegrationArn(uri)).toEqual({ error: expect.stringMatching(reason) })
  })

  it('checks the shape of a full function ARN', () => {
    expect(checkFunctionArn(fn)).toBeUndefined()
    expect(checkFunctionArn('orders')).toBeUndefined()
    expect(checkFunctionArn('arn:aws:lambda:eu-west-1:1234:function:orders')).toMatch(/not a Lambda function ARN/)
    expect(checkFunctionArn('orders/../admin')).toMatch(/not a Lambda function/)
  })

  it('tells a role from the caller credentials marker', () => {
    expect(parseCredentials('arn:aws:iam::123456789012:role/apigw-invoke')).toEqual({ role: 'arn:aws:iam::123456789012:role/apigw-invoke' })
    expect(parseCredentials('arn:aws:iam::*:user/*')).toEqual({ caller: true })
    expect(parseCredentials('arn:aws:iam::123456789012:user/bob')).toEqual({ error: expect.stringMatching(/neither an IAM role ARN/) })
  })
})
