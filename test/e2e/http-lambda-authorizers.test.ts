import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { rawRequest } from './helpers/http'
import { LambdaError, startAwsServices, type AwsCall } from './conformance/aws-services'

/**
 * HTTP API Lambda REQUEST authorizers over real sockets (../shared/spec §5.8): `gateway serve`
 * invokes the SigV4-checking Lambda stand-in with the 2.0 (or 1.0) input, reads simple and
 * IAM-policy responses, caches by identity sources and refuses a missing one without a call.
 */

const own = { accessKeyId: 'AKIAE2EHTTPLAMBDAAUT', secretAccessKey: 'e2e/http-lambda/secret/0123456789' }
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`
const arn = (path: string) => `arn:aws:execute-api:local:000000000000:lamapi/dev/GET${path}`

const authorizer = (name: string, extra: string) => `
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer: { type: request, authorizerUri: '${fn(name)}', ${extra} }`

const api = (backend: string, services: string) => `openapi: 3.0.1
info: { title: lamapi, version: '1' }
x-gateway:
  apiId: lamapi
  protocolType: HTTP
  stages: { dev: { variables: { env: dev } } }
  awsEndpoints: { lambda: '${services}' }
components:
  securitySchemes:
    simple:${authorizer('simple-auth', `authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true, identitySource: '$request.header.X-User', authorizerResultTtlInSeconds: 300`)}
    policy:${authorizer('policy-auth', `authorizerPayloadFormatVersion: '2.0', identitySource: '$request.header.X-User, $request.querystring.tenant'`)}
    v1:${authorizer('v1-auth', `authorizerPayloadFormatVersion: '1.0', identitySource: '$request.header.X-User'`)}
    perRoute:${authorizer('route-auth', `authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true, identitySource: '$request.header.X-User, $context.routeKey', authorizerResultTtlInSeconds: 300`)}
    broken:${authorizer('broken-auth', `authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true, identitySource: '$request.header.X-User'`)}
paths:
  /simple/{id}:
    get:
      security: [{ simple: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}', payloadFormatVersion: '2.0' }
  /simple-b:
    get:
      security: [{ simple: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/simple-b', payloadFormatVersion: '1.0' }
  /policy/{id}:
    get:
      security: [{ policy: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}', payloadFormatVersion: '2.0' }
  /v1:
    get:
      security: [{ v1: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}', payloadFormatVersion: '1.0' }
  /per-route/a:
    get:
      security: [{ perRoute: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/per-route/a', payloadFormatVersion: '1.0' }
  /per-route/b:
    get:
      security: [{ perRoute: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/per-route/b', payloadFormatVersion: '1.0' }
  /broken:
    get:
      security: [{ broken: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/broken', payloadFormatVersion: '1.0' }
`

const policy = (effect: string, resource: string) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] })

let served: Fixture
let services: Awaited<ReturnType<typeof startAwsServices>>

beforeAll(async () => {
  services = await startAwsServices({
    keys: new Map([[own.accessKeyId, own]]),
    functions: {
      echo: (event) => ({ statusCode: 200, body: JSON.stringify(event) }),
      'simple-auth': (event) => ({ isAuthorized: event.identitySource[0] !== 'mallory', context: { user: event.identitySource[0], tier: 3, roles: ['a', 'b'] } }),
      'policy-auth': (event) => {
        const user = event.identitySource[0]
        return { principalId: user, policyDocument: policy(user === 'ann' ? 'Allow' : 'Deny', 'arn:aws:execute-api:*:*:lamapi/dev/GET/policy/*'), context: { tier: 1, nested: { a: 1 } } }
      },
      'v1-auth': () => ({ principalId: 'v1-user', policyDocument: policy('Allow', '*'), context: { tier: 2, admin: true } }),
      'route-auth': () => ({ isAuthorized: true }),
      'broken-auth': (event) => {
        if (event.identitySource[0] === 'unauthorized') throw new LambdaError('Unauthorized')
        if (event.identitySource[0] === 'crash') throw new LambdaError('boom')
        return { isAuthorized: 'yes' }
      },
    },
  })
  served = await serveWithBackend((port) => ({ 'lamapi.yaml': api(`http://127.0.0.1:${port}`, services.url) }), {}, { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey })
}, 90_000)

afterAll(async () => {
  await served?.stop()
  await services?.stop()
})

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(served.gateway.url, { path: `/dev${path}`, headers })
const calls = (name: string) => services.calls.filter((c: AwsCall) => c.fields.functionName === name)
const reached = (path: string) => served.backend.received.filter((r) => r.url === path).length

describe('Lambda authorizer, payload 2.0 with simple responses', () => {
  it('sends the 2.0 event with routeArn and the identity values, and gives its context to the integration as authorizer.lambda', async () => {
    const before = calls('simple-auth').length
    const res = await get('/simple/42?q=1', { 'X-User': 'ann' })
    expect(res.status, res.text).toBe(200)
    const input = calls('simple-auth')[before].fields.event as any
    expect(input).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: arn('/simple/42'),
      identitySource: ['ann'],
      routeKey: 'GET /simple/{id}',
      rawPath: '/dev/simple/42',
      rawQueryString: 'q=1',
      queryStringParameters: { q: '1' },
      pathParameters: { id: '42' },
      stageVariables: { env: 'dev' },
      requestContext: { apiId: 'lamapi', stage: 'dev', routeKey: 'GET /simple/{id}', http: { method: 'GET', path: '/dev/simple/42' } },
    })
    expect(input.headers['x-user']).toBe('ann')
    expect(input).not.toHaveProperty('body')
    expect(input).not.toHaveProperty('methodArn')
    const event = JSON.parse(res.text)
    expect(event.requestContext.authorizer).toEqual({ lambda: { user: 'ann', tier: 3, roles: ['a', 'b'] } })
  })

  it('answers 403 Forbidden to isAuthorized: false, never reaching the integration', async () => {
    const before = reached('/simple-b')
    const res = await get('/simple-b', { 'X-User': 'mallory' })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({ message: 'Forbidden' })
    expect(reached('/simple-b')).toBe(before)
  })

  it('caches the decision by identity sources across the routes that share the authorizer', async () => {
    await get('/simple-b', { 'X-User': 'carol' })
    const before = calls('simple-auth').length
    for (const path of ['/simple-b', '/simple/7', '/simple-b']) expect((await get(path, { 'X-User': 'carol' })).status).toBe(200)
    expect(calls('simple-auth').length).toBe(before)
    expect((await get('/simple-b', { 'X-User': 'dave' })).status).toBe(200)
    expect(calls('simple-auth').length).toBe(before + 1)
  })

  it('keys the cache by route when $context.routeKey is an identity source', async () => {
    const before = calls('route-auth').length
    for (const path of ['/per-route/a', '/per-route/a', '/per-route/b', '/per-route/b']) expect((await get(path, { 'X-User': 'erin' })).status).toBe(200)
    expect(calls('route-auth').length).toBe(before + 2)
  })

  it('answers 401 without invoking when an identity source is missing or empty', async () => {
    const simple = calls('simple-auth').length
    const policyCalls = calls('policy-auth').length
    for (const headers of [{}, { 'X-User': '' }] as Record<string, string>[]) {
      const res = await get('/simple-b', headers)
      expect(res.status).toBe(401)
      expect(JSON.parse(res.text)).toEqual({ message: 'Unauthorized' })
    }
    // Caching off, and still 401: HTTP APIs refuse any missing identity source.
    expect((await get('/policy/1', { 'X-User': 'ann' })).status).toBe(401)
    expect(calls('simple-auth').length).toBe(simple)
    expect(calls('policy-auth').length).toBe(policyCalls)
  })

  it('answers 500 Internal Server Error to an invalid response or a failing function, and 401 to "Unauthorized"', async () => {
    for (const user of ['invalid', 'crash']) {
      const res = await get('/broken', { 'X-User': user })
      expect(res.status).toBe(500)
      expect(JSON.parse(res.text)).toEqual({ message: 'Internal Server Error' })
    }
    const res = await get('/broken', { 'X-User': 'unauthorized' })
    expect(res.status).toBe(401)
    expect(reached('/broken')).toBe(0)
  })
})

describe('Lambda authorizer, IAM policy responses', () => {
  it('evaluates the policy against the routeArn: Allow passes with its context, Deny is 403 Forbidden', async () => {
    const allowed = await get('/policy/9?tenant=acme', { 'X-User': 'ann' })
    expect(allowed.status, allowed.text).toBe(200)
    const input = calls('policy-auth').at(-1)!.fields.event as any
    expect(input.identitySource).toEqual(['ann', 'acme'])
    // Payload 2.0 allows lists and maps in the context.
    expect(JSON.parse(allowed.text).requestContext.authorizer).toEqual({ lambda: { tier: 1, nested: { a: 1 } } })
    const denied = await get('/policy/9?tenant=acme', { 'X-User': 'bob' })
    expect(denied.status).toBe(403)
    expect(JSON.parse(denied.text)).toEqual({ message: 'Forbidden' })
  })

  it('sends payload 1.0 input: methodArn, identitySource and authorizationToken as comma-joined strings', async () => {
    const res = await get('/v1', { 'X-User': 'ann' })
    expect(res.status, res.text).toBe(200)
    const input = calls('v1-auth').at(-1)!.fields.event as any
    expect(input).toMatchObject({ version: '1.0', type: 'REQUEST', methodArn: arn('/v1'), identitySource: 'ann', authorizationToken: 'ann', httpMethod: 'GET' })
    // HTTP APIs keep context values as the function returned them.
    expect(JSON.parse(res.text).requestContext.authorizer).toMatchObject({ principalId: 'v1-user', tier: 2, admin: true })
  })
})
