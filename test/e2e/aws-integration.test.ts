import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startGateway, type RunningGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { routesDir } from './helpers/routes'
import { LambdaError, LambdaServiceError, startAwsServices, type AwsCall } from './conformance/aws-services'

/**
 * AWS integrations over real sockets: `gateway serve` signs its calls to Lambda, STS and SQS
 * stand-ins on 127.0.0.1 that verify every SigV4 signature (403 otherwise).
 */

const own = { accessKeyId: 'AKIAE2EGATEWAY000001', secretAccessKey: 'e2e/gateway/secret/0123456789', sessionToken: 'e2e-session-token-of-the-gateway' }
const assumed = { accessKeyId: 'ASIAE2EASSUMEDROLE01', secretAccessKey: 'e2e/assumed/secret/0123456789', sessionToken: 'e2e-session-token-of-the-role' }
const role = 'arn:aws:iam::123456789012:role/apigw-invoke'
/** A role whose credentials STS gives two minutes: inside the five-minute refresh margin. */
const shortRole = 'arn:aws:iam::123456789012:role/apigw-short-lived'
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`

const lambda = (name: string, extra = '') => `
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: ${fn(name)}
${extra.replace(/^/gm, '        ')}`

const api = (services: string, deadPort: number) => `openapi: 3.0.1
info: { title: orders, version: '1' }
x-amazon-apigateway-binary-media-types: [image/png]
x-gateway:
  apiId: orders
  stages: { v1: {} }
  awsEndpoints: { lambda: '${services}', sts: '${services}', default: 'http://127.0.0.1:${deadPort}' }
paths:
  /orders/{id}:
    post:
      responses: { '200': { description: ok } }
${lambda('echo', `requestTemplates:
  application/json: '{"id": "$input.params(''id'')", "order": $input.json(''$'')}'
responses:
  default:
    statusCode: '200'
    responseTemplates: { application/json: '{"echoed": $input.json(''$''), "lambdaRequestId": "$context.awsEndpointRequestId"}' }`)}
  /later:
    post:
${lambda('echo', `requestParameters: { integration.request.header.X-Amz-Invocation-Type: "'Event'" }
responses: { default: { statusCode: '200' } }`)}
  /lookup/{id}:
    get:
${lambda('lookup', `requestTemplates: { application/json: '{"id": "$input.params(''id'')"}' }
responses:
  '.*not found.*':
    statusCode: '404'
    responseTemplates: { application/json: '{"error": $input.json(''$.errorMessage'')}' }
  default: { statusCode: '200' }`)}
  /slow:
    get:
${lambda('slow', `timeoutInMillis: 300
responses: { default: { statusCode: '200' } }`)}
  /throttled:
    get:
${lambda('throttled', "responses: { default: { statusCode: '200' } }")}
  /broken:
    get:
${lambda('broken', "responses: { default: { statusCode: '200' } }")}
  /missing:
    get:
${lambda('missing', "responses: { default: { statusCode: '200' } }")}
  /as-role:
    get:
${lambda('echo', `credentials: ${role}
responses: { default: { statusCode: '200' } }`)}
  /as-short-role:
    get:
${lambda('echo', `credentials: ${shortRole}
responses: { default: { statusCode: '200' } }`)}
  /as-unknown-role:
    get:
${lambda('echo', `credentials: arn:aws:iam::123456789012:role/nobody
responses: { default: { statusCode: '200' } }`)}
  /proxy/{path+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('proxy-echo')}' }
  /proxy-fails:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('lookup')}' }
  /proxy-slow:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('slow')}', timeoutInMillis: 300 }
  /queue:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:action/SendMessage
        responses: { default: { statusCode: '200' } }
`

/** An HTTP API (protocolType HTTP) whose Lambda takes payload format 2.0. */
const httpApi = (services: string) => `openapi: 3.0.1
info: { title: shop, version: '1' }
x-gateway: { apiId: shop, protocolType: HTTP, awsEndpoints: { lambda: '${services}' } }
paths:
  /carts/{id}:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('v2-echo')}', payloadFormatVersion: '2.0' }
  /carts-fail:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('lookup')}', payloadFormatVersion: '2.0' }
`

let services: Awaited<ReturnType<typeof startAwsServices>>
let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>
/** Invocations of the `slow` function: each answers only when released, so a 504 can only come from the timeout. */
const slowInvocations: (() => void)[] = []

beforeAll(async () => {
  services = await startAwsServices({
    keys: new Map([
      [own.accessKeyId, own],
      [assumed.accessKeyId, assumed],
    ]),
    functions: {
      echo: (event) => event,
      'v2-echo': (event) => ({ routeKey: event.routeKey, rawPath: event.rawPath, cookies: event.cookies, query: event.queryStringParameters }),
      'proxy-echo': (event) => ({ statusCode: '201', headers: { 'x-fn': 'yes' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] }, body: JSON.stringify(event) }),
      lookup: (event) => {
        if (event.id === '7') return { id: '7', item: 'teapot' }
        throw new LambdaError(`Order ${event.id} not found`, 'NotFound')
      },
      slow: () => new Promise((resolve) => slowInvocations.push(() => resolve('late'))),
      throttled: () => {
        throw new LambdaServiceError(429, 'TooManyRequestsException')
      },
      broken: () => {
        throw new LambdaServiceError(500, 'ServiceException')
      },
    },
    roles: { [role]: assumed, [shortRole]: { ...assumed, expiresInSeconds: 120 } },
  })
  routes = await routesDir({ 'orders.yaml': api(services.url, await freePort()), 'shop.yaml': httpApi(services.url) })
  gateway = await startGateway(routes.dir, {
    env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey, AWS_SESSION_TOKEN: own.sessionToken },
  })
}, 90_000)

afterAll(async () => {
  for (const release of slowInvocations) release()
  await gateway?.stop()
  await services?.stop()
  await routes?.remove()
})

const lastCall = (service: string): AwsCall => services.calls.filter((c) => c.service === service).at(-1)!
const header = (call: AwsCall, name: string) => call.headers.find(([n]) => n.toLowerCase() === name)?.[1]
const get = (path: string) => rawRequest(gateway.url, { path: `/v1${path}` })

describe('aws integration (Lambda)', () => {
  it('invokes the function with the rendered template, signed with the gateway credentials and session token', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/orders/42', headers: { 'content-type': 'application/json' }, body: '{"qty": 2}' })
    expect(res.status).toBe(200)
    const body = JSON.parse(res.text)
    expect(body.echoed).toEqual({ id: '42', order: { qty: 2 } })
    const call = lastCall('lambda')
    expect(call.status).toBe(200)
    expect(call.fields).toMatchObject({ functionName: 'echo', invocationType: 'RequestResponse' })
    expect(header(call, 'authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAE2EGATEWAY000001\/\d{8}\/us-east-1\/lambda\/aws4_request, /)
    expect(header(call, 'x-amz-security-token')).toBe(own.sessionToken)
    expect(call.signedHeaders).toContain('x-amz-security-token')
    // $context.awsEndpointRequestId is Lambda's request id.
    expect(body.lambdaRequestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/)
    expect(header(call, 'x-amzn-trace-id')).toBe(res.headers['x-amzn-trace-id'])
  })

  it('invokes asynchronously for X-Amz-Invocation-Type Event: 200 with an empty body', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/later', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect(lastCall('lambda')).toMatchObject({ status: 202, fields: { invocationType: 'Event', event: { a: 1 } } })
  })

  it("selects by a failed invocation's errorMessage; a success takes the default response", async () => {
    const missing = await get('/lookup/8')
    expect(missing.status).toBe(404)
    expect(JSON.parse(missing.text)).toEqual({ error: 'Order 8 not found' })
    const found = await get('/lookup/7')
    expect(found.status).toBe(200)
    expect(JSON.parse(found.text)).toEqual({ id: '7', item: 'teapot' })
  })

  it('answers 504 when the function outlasts timeoutInMillis', async () => {
    const invoked = slowInvocations.length
    // The function never answers before the response is in, so only the timeout can end the request.
    const res = await get('/slow')
    expect(res.status).toBe(504)
    expect(JSON.parse(res.text)).toEqual({ message: 'Endpoint request timed out' })
    expect(slowInvocations.length).toBe(invoked + 1)
  })

  it("turns Lambda's own refusals into gateway responses: throttled 500, service error 502, no such function 500", async () => {
    for (const [path, status] of [['/throttled', 500], ['/broken', 502], ['/missing', 500]] as const) {
      const res = await get(path)
      expect(res.status, path).toBe(status)
      expect(JSON.parse(res.text), path).toEqual({ message: 'Internal server error' })
    }
    expect(gateway.output()).toMatch(/Lambda invocation of .*function:missing failed: 404 ResourceNotFoundException/)
  })

  it('signs with the role assumed through STS, once for many requests', async () => {
    const before = services.calls.filter((c) => c.service === 'sts').length
    for (let i = 0; i < 3; i++) expect((await get('/as-role')).status).toBe(200)
    const sts = services.calls.filter((c) => c.service === 'sts')
    expect(sts.length - before).toBe(1)
    expect(sts.at(-1)!.accessKeyId).toBe(own.accessKeyId)
    expect(sts.at(-1)!.fields).toMatchObject({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'edge-api-gateway-orders' })
    const call = lastCall('lambda')
    expect(call.accessKeyId).toBe(assumed.accessKeyId)
    expect(header(call, 'x-amz-security-token')).toBe(assumed.sessionToken)
  })

  it("assumes a role again on each request while STS's expiry is within the refresh margin", async () => {
    const assumptions = () => services.calls.filter((c) => c.service === 'sts' && c.fields.RoleArn === shortRole).length
    const before = assumptions()
    for (let i = 0; i < 2; i++) expect((await get('/as-short-role')).status).toBe(200)
    expect(assumptions() - before).toBe(2)
    expect(lastCall('lambda').accessKeyId).toBe(assumed.accessKeyId)
  })

  it('answers 500 when STS refuses the role, and says why in the log', async () => {
    const res = await get('/as-unknown-role')
    expect(res.status).toBe(500)
    expect(gateway.output()).toMatch(/cannot assume arn:aws:iam::123456789012:role\/nobody .*403 AccessDenied/)
  })
})

describe('aws_proxy integration', () => {
  it("hands the function the request as AWS's event and returns its answer", async () => {
    const res = await rawRequest(gateway.url, {
      method: 'PUT',
      path: '/v1/proxy/a%2Bb//c?x=1&x=2+3',
      headers: { 'content-type': 'application/json', 'x-custom': 'v' },
      body: '{"n":1}',
    })
    expect(res.status).toBe(201)
    expect(res.headers['x-fn']).toBe('yes')
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2'])
    expect(res.headers['x-amzn-trace-id']).toMatch(/^Root=1-.*;Parent=/)
    const event = JSON.parse(res.text)
    expect(event).toMatchObject({
      resource: '/proxy/{path+}',
      path: '/proxy/a%2Bb//c',
      httpMethod: 'PUT',
      pathParameters: { path: 'a%2Bb//c' },
      queryStringParameters: { x: '2 3' },
      multiValueQueryStringParameters: { x: ['1', '2 3'] },
      body: '{"n":1}',
      isBase64Encoded: false,
      stageVariables: null,
      requestContext: { path: '/v1/proxy/a%2Bb//c', stage: 'v1', resourcePath: '/proxy/{path+}', apiId: 'orders' },
    })
    expect(event.headers).toMatchObject({ 'Content-Type': 'application/json', 'X-Custom': 'v', 'X-Forwarded-Proto': 'http' })
    expect(event.headers['Content-Length']).toBeUndefined()
    expect(lastCall('lambda')).toMatchObject({ accessKeyId: own.accessKeyId, fields: { functionName: 'proxy-echo' } })
  })

  it('base64-encodes a request body of a binary media type', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255])
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/proxy/upload', headers: { 'content-type': 'image/png' }, body: png })
    expect(JSON.parse(res.text)).toMatchObject({ body: png.toString('base64'), isBase64Encoded: true })
  })

  it('answers 502 when the function fails, and 504 when it outlasts the timeout', async () => {
    const failed = await get('/proxy-fails')
    expect(failed.status).toBe(502)
    expect(JSON.parse(failed.text)).toEqual({ message: 'Internal server error' })
    const slow = await get('/proxy-slow')
    expect(slow.status).toBe(504)
    expect(JSON.parse(slow.text)).toEqual({ message: 'Endpoint request timed out' })
  })
})

describe('aws_proxy integration, payload format 2.0 (HTTP API)', () => {
  const shop = (path: string, headers: Record<string, string> = {}) => rawRequest(gateway.url, { path, headers: { host: 'shop.execute-api.localhost', ...headers } })

  it('sends the 2.0 event and infers a JSON response from a plain result', async () => {
    const res = await shop('/carts/9?x=1&x=2', { cookie: 'a=1; b=2' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json')
    expect(JSON.parse(res.text)).toEqual({ routeKey: 'GET /carts/{id}', rawPath: '/carts/9', cookies: ['a=1', 'b=2'], query: { x: '1,2' } })
  })

  it("answers a function error with HTTP APIs' 500", async () => {
    const res = await shop('/carts-fail')
    expect(res.status).toBe(500)
    expect(JSON.parse(res.text)).toEqual({ message: 'Internal Server Error' })
  })
})

describe('aws integration (endpoints)', () => {
  it('reaches services without their own endpoint at awsEndpoints.default (here: nothing listens)', async () => {
    const res = await rawRequest(gateway.url, { method: 'POST', path: '/v1/queue', body: 'x' })
    expect(res.status).toBe(504)
    expect(JSON.parse(res.text)).toEqual({ message: 'Internal server error' })
    expect(services.calls.some((c) => c.service === 'sqs')).toBe(false)
  })
})

describe('aws integration without credentials', () => {
  let bare: RunningGateway
  beforeAll(async () => {
    bare = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' } })
  }, 60_000)
  afterAll(() => bare?.stop())

  it('answers 500 and names the missing environment variables in the log, without calling AWS', async () => {
    const arrived = services.arrived()
    const res = await rawRequest(bare.url, { method: 'POST', path: '/v1/orders/1', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(500)
    expect(JSON.parse(res.text)).toEqual({ message: 'Internal server error' })
    expect(res.text).not.toMatch(/at |Error/)
    expect(services.arrived()).toBe(arrived)
    expect(bare.output()).toMatch(/orders POST \/orders\/\{id\}: the AWS integration has no credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/)
  })
})
