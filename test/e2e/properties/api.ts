/**
 * The API the property suite runs against: one method per thing an invariant is about.
 * `backend` is the recording HTTP backend, `services` the Lambda stand-in.
 */

export const apiId = 'props'
export const stage = 'dev'
export const apiKeyName = 'props'
export const apiKey = 'props-key-0123456789abcdefghij'
export const usagePlan = 'props-plan'
export const adminToken = 'props-admin-token-6c1f0e'
/** The path a Lambda authorizer's policy denies explicitly on each authorizer's method. */
export const deniedId = 'secret'
/** Backend paths every integration URI starts with; nothing may reach the backend outside them. */
export const publicPrefix = '/public/'
/** The integration timeout of `/slow`, well under the backend's delay there. */
export const slowTimeoutMs = 200

const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`

/** A MOCK integration that answers with the method the router chose and its `id` (decoded, then form-encoded to stay valid JSON). */
const whereRouted = `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '{"resource": "$context.resourcePath", "id": "$util.urlEncode($input.params(''id''))"}'`

/** An HTTP_PROXY integration with its request parameter mappings. */
const httpProxy = (httpMethod: string, uri: string, requestParameters: Record<string, string> = {}) => `
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ${httpMethod}
        uri: ${uri}
        requestParameters: ${JSON.stringify(requestParameters)}`

/**
 * Resources:
 * - `/auth/{id}`, `/rauth/{id}`: TOKEN and REQUEST Lambda authorizers (policy: Allow `GET/*`, Deny `GET/{auth,rauth}/secret`)
 * - `/cached/{id}`: a cached GET keyed by `id`; `/keyed/{id}`: needs an API key (usage plan with a quota)
 * - `/public/{proxy+}` (HTTP_PROXY), `/h/{proxy+}` (HTTP), `/lambda/{proxy+}` (AWS_PROXY): ANY, to `…/public/{proxy}`
 * - `/mapped`, `/mapped-http`: `integration.request.header.x-mapped` from the query string `q`
 * - `/fail` (nothing listens), `/slow` (slower than its timeout): the backend itself fails
 */
export const api = (backend: string, services: string) => `openapi: 3.0.1
info: { title: ${apiId}, version: '1' }
x-gateway:
  apiId: ${apiId}
  awsEndpoints: { lambda: '${services}' }
  stages:
    ${stage}:
      cacheClusterEnabled: true
      cacheStatusHeader: true
      methodSettings:
        '/cached/{id}/GET': { cachingEnabled: true, cacheTtlInSeconds: 300 }
  usagePlans:
    - { name: ${usagePlan}, apiStages: [{ stage: ${stage} }], quota: { limit: 1000000, period: DAY } }
  apiKeys:
    - { name: ${apiKeyName}, value: ${apiKey}, usagePlans: [${usagePlan}] }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    token:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn('policy')}', authorizerResultTtlInSeconds: 300 }
    request:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: '${fn('policy')}'
        identitySource: method.request.header.X-User
        authorizerResultTtlInSeconds: 0
paths:
  /auth/{id}:
    get:
      security: [{ token: [] }]${whereRouted}
  /rauth/{id}:
    get:
      security: [{ request: [] }]${whereRouted}
  /cached/{id}:
    get:
      parameters: [{ name: id, in: path, required: true }]${httpProxy('GET', `${backend}${publicPrefix}cached/{id}`, { 'integration.request.path.id': 'method.request.path.id' })}
        cacheKeyParameters: [method.request.path.id]
  /keyed/{id}:
    get:
      security: [{ api_key: [] }]${httpProxy('GET', `${backend}${publicPrefix}keyed/{id}`, { 'integration.request.path.id': 'method.request.path.id' })}
  /keyed:
    get:
      security: [{ api_key: [] }]${httpProxy('GET', `${backend}/keyed`)}
  /public/{proxy+}:
    x-amazon-apigateway-any-method:${httpProxy('ANY', `${backend}${publicPrefix}{proxy}`, { 'integration.request.path.proxy': 'method.request.path.proxy' })}
  /h/{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{ name: x-probe, in: header }, { name: Authorization, in: header }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: ANY
        uri: ${backend}${publicPrefix}{proxy}
        requestParameters:
          integration.request.path.proxy: method.request.path.proxy
          integration.request.header.x-probe: method.request.header.x-probe
          integration.request.header.x-authorization: method.request.header.Authorization
        responses: { default: { statusCode: '200' } }
  /lambda/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}' }
  /mapped:
    get:
      parameters: [{ name: q, in: query }]${httpProxy('GET', `${backend}${publicPrefix}mapped`, { 'integration.request.header.x-mapped': 'method.request.querystring.q' })}
  /mapped-http:
    get:
      parameters: [{ name: q, in: query }]
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: ${backend}${publicPrefix}mapped-http
        requestParameters: { integration.request.header.x-mapped: method.request.querystring.q }
        responses: { default: { statusCode: '200' } }
  /fail:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:1${publicPrefix}nothing-listens-here' }
  /slow:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}${publicPrefix}slow', timeoutInMillis: ${slowTimeoutMs} }
`
