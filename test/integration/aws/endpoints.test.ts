import { describe, expect, it } from 'vitest'
import { endpointFor, endpointVariable } from '../../../src/integration/aws/endpoints'

const bare = { awsEndpoints: {} }
const lambdaOnly = { awsEndpoints: { lambda: 'http://127.0.0.1:9001' } }
const localstack = { awsEndpoints: { default: 'http://localhost:4566' } }
const env = { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3002/', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }

describe('AWS endpoints', () => {
  it("defaults to AWS's regional endpoints, China's under .com.cn", () => {
    expect(endpointFor(bare, {}, 'lambda', 'us-east-1')).toBe('https://lambda.us-east-1.amazonaws.com')
    expect(endpointFor(bare, {}, 'sqs', 'cn-north-1')).toBe('https://sqs.cn-north-1.amazonaws.com.cn')
  })

  it('prefers the service, then default, of x-gateway.awsEndpoints', () => {
    expect(endpointFor(lambdaOnly, {}, 'lambda', 'eu-west-1')).toBe('http://127.0.0.1:9001')
    expect(endpointFor(localstack, {}, 'lambda', 'eu-west-1')).toBe('http://localhost:4566')
  })

  it('reads AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, when the definition names neither (trailing slash dropped)', () => {
    expect(endpointFor(bare, env, 'lambda', 'eu-west-1')).toBe('http://127.0.0.1:3002')
    expect(endpointFor(bare, env, 'sqs', 'eu-west-1')).toBe('http://127.0.0.1:4566')
    expect(endpointFor(bare, { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:3002' }, 'sqs', 'eu-west-1')).toBe('https://sqs.eu-west-1.amazonaws.com')
  })

  it('lets the definition win over the environment, as an SDK client\'s own endpoint does', () => {
    expect(endpointFor(lambdaOnly, env, 'lambda', 'eu-west-1')).toBe('http://127.0.0.1:9001')
    expect(endpointFor(localstack, env, 'lambda', 'eu-west-1')).toBe('http://localhost:4566')
    expect(endpointFor(lambdaOnly, env, 'sqs', 'eu-west-1')).toBe('http://127.0.0.1:4566')
  })

  it('ignores the variables under AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, and empty ones always', () => {
    expect(endpointFor(bare, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'lambda', 'eu-west-1')).toBe('https://lambda.eu-west-1.amazonaws.com')
    expect(endpointFor(bare, { AWS_ENDPOINT_URL_LAMBDA: '', AWS_ENDPOINT_URL: '' }, 'lambda', 'eu-west-1')).toBe('https://lambda.eu-west-1.amazonaws.com')
  })

  it("names each service's variable by its SDK service id", () => {
    expect(endpointVariable('lambda')).toBe('AWS_ENDPOINT_URL_LAMBDA')
    expect(endpointVariable('dynamodb')).toBe('AWS_ENDPOINT_URL_DYNAMODB')
    expect(endpointVariable('states')).toBe('AWS_ENDPOINT_URL_SFN')
    expect(endpointVariable('events')).toBe('AWS_ENDPOINT_URL_EVENTBRIDGE')
    expect(endpointVariable('runtime.sagemaker')).toBe('AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME')
    expect(endpointVariable('execute-api')).toBe('AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI')
    // Not an inherited property of the table.
    expect(endpointVariable('constructor')).toBe('AWS_ENDPOINT_URL_CONSTRUCTOR')
  })
})
