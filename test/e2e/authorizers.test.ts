import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose'
import { freePort, startGateway, type RunningGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { routesDir } from './helpers/routes'
import { LambdaError, startAwsServices, type AwsCall } from './conformance/aws-services'

/**
 * Authorizers over real sockets: `gateway serve` invokes Lambda authorizers on the SigV4-checking
 * Lambda stand-in, and verifies Cognito tokens signed with jose against a JWKS served on 127.0.0.1.
 */

const own = { accessKeyId: 'AKIAE2EAUTHORIZER001', secretAccessKey: 'e2e/authorizer/secret/0123456789' }
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`
const pool = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Test'
const arnOf = (path: string) => `arn:aws:execute-api:local:000000000000:authz/dev/GET${path}`

const showContext = `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '{"principal": "$context.authorizer.principalId", "tier": "$context.authorizer.tier", "admin": "$context.authorizer.admin", "latency": "$context.authorizer.integrationLatency", "sub": "$context.authorizer.claims.sub", "email": "$context.authorizer.claims.email"}'`
const proxyEcho = `
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('proxy-echo')}' }`

const api = (services: string, issuer: string) => `openapi: 3.0.1
info: { title: authz, version: '1' }
x-gateway:
  apiId: authz
  stages: { dev: { variables: { env: dev } } }
  awsEndpoints: { lambda: '${services}' }
  cognitoIssuers: { '${pool}': '${issuer}' }
components:
  securitySchemes:
    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: '${fn('token-auth')}'
        identitySource: method.request.header.Authorization
        identityValidationExpression: '^Bearer [a-z-]+$'
        authorizerResultTtlInSeconds: 0
    cached:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn('token-auth')}', authorizerResultTtlInSeconds: 300 }
    req:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: '${fn('request-auth')}'
        identitySource: 'method.request.header.X-User, method.request.querystring.tenant'
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer: { type: cognito_user_pools, providerARNs: ['${pool}'] }
paths:
  /token/{id}:
    get:
      security: [{ tok: [] }]${showContext}
  /token-proxy:
    get:
      security: [{ tok: [] }]${proxyEcho}
  /open-proxy:
    get:${proxyEcho}
  /cached/a:
    get:
      security: [{ cached: [] }]${showContext}
  /cached/b:
    get:
      security: [{ cached: [] }]${showContext}
  /req:
    get:
      security: [{ req: [] }]${showContext}
  /cognito:
    get:
      security: [{ pool: [] }]${showContext}
  /cognito-scoped:
    get:
      security: [{ pool: [pets/read] }]${showContext}
  /cognito-proxy:
    get:
      security: [{ pool: [] }]${proxyEcho}
`

const role = 'arn:aws:iam::123456789012:role/authorizer-invoke'
const assumed = { accessKeyId: 'ASIAE2EAUTHZROLE0001', secretAccessKey: 'e2e/authorizer/role/0123456789', sessionToken: 'e2e-authorizer-role-session' }
const acmeKey = 'acme-key-0123456789abcdef'

/** A cached stage, keys from the authorizer, and an authorizer invoked through an assumed role. */
const cachedApi = (services: string) => `openapi: 3.0.1
info: { title: authc, version: '1' }
x-amazon-apigateway-api-key-source: AUTHORIZER
x-gateway:
  apiId: authc
  stages:
    dev:
      cacheClusterEnabled: true
      methodSettings: { '*/*': { cachingEnabled: true, cacheTtlInSeconds: 300 } }
  awsEndpoints: { lambda: '${services}', sts: '${services}' }
  usagePlans: [{ name: basic, apiStages: [{ stage: dev }], quota: { limit: 1000, period: DAY } }]
  apiKeys: [{ name: acme, value: ${acmeKey}, usagePlans: [basic] }]
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    keyed:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: '${fn('keyed-auth')}'
        authorizerCredentials: ${role}
        authorizerResultTtlInSeconds: 0
paths:
  /whoami:
    get:
      security: [{ keyed: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('whoami')}' }
  /metered:
    get:
      security: [{ keyed: [], api_key: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"key": "$context.identity.apiKey"}' } } }
`

const policy = (effect: string, resource: string) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] })

let services: Awaited<ReturnType<typeof startAwsServices>>
let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>
let jwks: Server
let jwksFetches = 0
let signingKey: CryptoKey
let otherKey: CryptoKey
let issuer: string
const requestEvents: any[] = []
let whoamiCalls = 0

beforeAll(async () => {
  services = await startAwsServices({
    functions: {
      'token-auth': (event) => {
        const token = String(event.authorizationToken).replace('Bearer ', '')
        if (token === 'allow') return { principalId: 'user-1', policyDocument: policy('Allow', 'arn:aws:execute-api:*:*:authz/*'), context: { tier: 3, admin: true, name: 'Ann' } }
        if (token === 'deny') return { principalId: 'user-2', policyDocument: policy('Deny', '*') }
        if (token === 'narrow') return { principalId: 'user-3', policyDocument: policy('Allow', event.methodArn) }
        if (token === 'nested') return { principalId: 'user-4', policyDocument: policy('Allow', '*'), context: { deep: { a: 1 } } }
        if (token === 'no-principal') return { policyDocument: policy('Allow', '*') }
        if (token === 'unauthorized') throw new LambdaError('Unauthorized')
        throw new LambdaError('boom')
      },
      'request-auth': (event) => {
        requestEvents.push(event)
        return { principalId: `${event.headers['X-User']}@${event.queryStringParameters.tenant}`, policyDocument: policy('Allow', '*'), context: { tier: 1 } }
      },
      'proxy-echo': (event) => ({ statusCode: 200, body: JSON.stringify(event) }),
      'keyed-auth': (event) => {
        const name = String(event.authorizationToken).replace('Bearer ', '')
        const actions = name === 'admin' ? ['execute-api:Invoke', 'execute-api:InvalidateCache'] : 'execute-api:Invoke'
        return {
          principalId: name,
          policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:execute-api:*:*:authc/*' }] },
          usageIdentifierKey: name === 'acme' ? acmeKey : 'no-such-key-0123456789abcdef',
        }
      },
      whoami: (event) => ({ statusCode: 200, body: JSON.stringify({ principal: event.requestContext.authorizer.principalId, call: ++whoamiCalls }) }),
    },
    keys: new Map([
      [own.accessKeyId, own],
      [assumed.accessKeyId, assumed],
    ]),
    roles: { [role]: assumed },
  })

  const keys = await generateKeyPair('RS256')
  signingKey = keys.privateKey
  otherKey = (await generateKeyPair('RS256')).privateKey
  const publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  const port = await freePort()
  issuer = `http://127.0.0.1:${port}/us-east-1_Test`
  jwks = createServer((req, res) => {
    if (req.url !== '/us-east-1_Test/.well-known/jwks.json') return void res.writeHead(404).end()
    jwksFetches++
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }))
  })
  await new Promise<void>((resolve) => jwks.listen(port, '127.0.0.1', resolve))

  routes = await routesDir({ 'authz.yaml': api(services.url, issuer), 'authc.yaml': cachedApi(services.url) })
  gateway = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey } })
}, 90_000)

afterAll(async () => {
  await gateway?.stop()
  await services?.stop()
  jwks?.closeAllConnections()
  await new Promise((resolve) => jwks?.close(resolve))
  await routes?.remove()
})

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(gateway.url, { path: `/dev${path}`, headers: { Host: 'authz.execute-api.localhost', ...headers } })
const invocations = (fnName: string) => services.calls.filter((c: AwsCall) => c.fields.functionName === fnName).length
const json = (text: string) => JSON.parse(text)

describe('Lambda TOKEN authorizer', () => {
  it('passes the token and the method ARN, and exposes principalId, context and latency to templates', async () => {
    const before = services.calls.length
    const res = await get('/token/42', { Authorization: 'Bearer allow' })
    expect(res.status).toBe(200)
    const body = json(res.text)
    expect(body).toMatchObject({ principal: 'user-1', tier: '3', admin: 'true', sub: '', email: '' })
    // Milliseconds as digits: an absent value renders as '' and fails here.
    expect(body.latency).toMatch(/^\d+$/)
    const call = services.calls.slice(before).find((c) => c.fields.functionName === 'token-auth')!
    expect(call.fields.event).toEqual({ type: 'TOKEN', authorizationToken: 'Bearer allow', methodArn: arnOf('/token/42') })
    expect(call.accessKeyId).toBe(own.accessKeyId)
  })

  it('answers 401 without invoking when the token is missing or fails identityValidationExpression', async () => {
    const before = invocations('token-auth')
    for (const headers of [{}, { Authorization: '' }, { Authorization: 'Basic abc' }, { Authorization: 'Bearer ALLOW' }] as Record<string, string>[]) {
      const res = await get('/token/1', headers)
      expect(res.status).toBe(401)
      expect(json(res.text)).toEqual({ message: 'Unauthorized' })
    }
    expect(invocations('token-auth')).toBe(before)
  })

  it('answers 401 when the function fails with "Unauthorized"', async () => {
    const res = await get('/token/1', { Authorization: 'Bearer unauthorized' })
    expect(res.status).toBe(401)
    expect(json(res.text)).toEqual({ message: 'Unauthorized' })
  })

  it('answers 403 with an explicit deny', async () => {
    const res = await get('/token/1', { Authorization: 'Bearer deny' })
    expect(res.status).toBe(403)
    expect(json(res.text)).toEqual({ Message: 'User is not authorized to access this resource with an explicit deny' })
  })

  it('answers 500 for a failing function or an unusable output', async () => {
    for (const token of ['crash', 'nested', 'no-principal']) {
      const res = await get('/token/1', { Authorization: `Bearer ${token}` })
      expect(res.status).toBe(500)
      expect(res.headers['x-amzn-errortype']).toBe('AuthorizerConfigurationException')
      expect(json(res.text)).toEqual({ message: null })
    }
  })

  it("fills the Lambda proxy event's requestContext.authorizer, and leaves it out without an authorizer", async () => {
    const res = await get('/token-proxy', { Authorization: 'Bearer allow' })
    expect(res.status).toBe(200)
    const { authorizer } = json(res.text).requestContext
    expect(authorizer).toEqual({ principalId: 'user-1', integrationLatency: expect.any(Number), tier: '3', admin: 'true', name: 'Ann' })
    const open = await get('/open-proxy')
    expect(json(open.text).requestContext).not.toHaveProperty('authorizer')
  })

  it('reuses a cached policy for other methods, evaluated against their own ARN (a narrow policy denies them)', async () => {
    const before = invocations('token-auth')
    expect((await get('/cached/a', { Authorization: 'Bearer narrow' })).status).toBe(200)
    const again = await get('/cached/a', { Authorization: 'Bearer narrow' })
    expect(again.status).toBe(200)
    expect(json(again.text).latency).toBe('0')
    expect((await get('/cached/b', { Authorization: 'Bearer narrow' })).status).toBe(403)
    expect(invocations('token-auth')).toBe(before + 1)
  })
})

describe('Lambda REQUEST authorizer', () => {
  it('receives the request, and is invoked once per identity within the TTL', async () => {
    const before = invocations('request-auth')
    const ann = await get('/req?tenant=t1', { 'X-User': 'ann' })
    expect(ann.status).toBe(200)
    expect(json(ann.text)).toMatchObject({ principal: 'ann@t1', tier: '1' })
    const event = requestEvents.at(-1)
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: arnOf('/req'),
      resource: '/req',
      path: '/req',
      httpMethod: 'GET',
      queryStringParameters: { tenant: 't1' },
      multiValueQueryStringParameters: { tenant: ['t1'] },
      pathParameters: null,
      stageVariables: { env: 'dev' },
      requestContext: { stage: 'dev', resourcePath: '/req', httpMethod: 'GET' },
    })
    expect(event.headers['X-User']).toBe('ann')
    expect(event).not.toHaveProperty('body')

    expect(json((await get('/req?tenant=t1', { 'X-User': 'ann' })).text).principal).toBe('ann@t1')
    expect(invocations('request-auth')).toBe(before + 1)
    expect(json((await get('/req?tenant=t1', { 'X-User': 'bob' })).text).principal).toBe('bob@t1')
    expect(json((await get('/req?tenant=t2', { 'X-User': 'ann' })).text).principal).toBe('ann@t2')
    expect(invocations('request-auth')).toBe(before + 3)
  })

  it('answers 401 without invoking when an identity source is missing or empty', async () => {
    const before = invocations('request-auth')
    expect((await get('/req', { 'X-User': 'ann' })).status).toBe(401)
    expect((await get('/req?tenant=', { 'X-User': 'ann' })).status).toBe(401)
    expect((await get('/req?tenant=t1')).status).toBe(401)
    expect(invocations('request-auth')).toBe(before)
  })
})

describe('Cognito user pool authorizer', () => {
  const sign = (claims: JWTPayload, options: { key?: CryptoKey; iss?: string; exp?: number } = {}) =>
    new SignJWT({ token_use: 'id', email: 'ann@example.com', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(options.iss ?? issuer)
      .setSubject('sub-ann')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 3600)
      .sign(options.key ?? signingKey)

  it('accepts a valid ID token and exposes its claims', async () => {
    const res = await get('/cognito', { Authorization: await sign({}) })
    expect(res.status).toBe(200)
    expect(json(res.text)).toMatchObject({ sub: 'sub-ann', email: 'ann@example.com', principal: '' })
  })

  it('puts the claims in the proxy event, and fetches the pool keys once', async () => {
    const res = await get('/cognito-proxy', { Authorization: await sign({ 'custom:tier': 'gold' }) })
    expect(res.status).toBe(200)
    expect(json(res.text).requestContext.authorizer.claims).toMatchObject({ sub: 'sub-ann', 'custom:tier': 'gold', token_use: 'id', iss: issuer })
    // Two more tokens: the pool's keys, fetched for the first token the suite sent, are not fetched again.
    for (const claims of [{ email: 'bob@example.com' }, { email: 'cy@example.com' }]) expect((await get('/cognito-proxy', { Authorization: await sign(claims) })).status).toBe(200)
    expect(jwksFetches).toBe(1)
  })

  it('answers 401 for a missing, expired, foreign, forged or wrong-use token', async () => {
    const cases: Record<string, string>[] = [
      {},
      { Authorization: 'not-a-jwt' },
      { Authorization: await sign({}, { exp: Math.floor(Date.now() / 1000) - 60 }) },
      { Authorization: await sign({}, { iss: 'http://127.0.0.1:1/us-east-1_Other' }) },
      { Authorization: await sign({}, { key: otherKey }) },
      { Authorization: await sign({ token_use: 'access', scope: 'pets/read' }) },
    ]
    for (const headers of cases) {
      const res = await get('/cognito', headers)
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(json(res.text)).toEqual({ message: 'Unauthorized' })
    }
  })

  it('needs an access token with a listed scope where the method names scopes', async () => {
    expect((await get('/cognito-scoped', { Authorization: await sign({ token_use: 'access', scope: 'openid pets/read' }) })).status).toBe(200)
    expect((await get('/cognito-scoped', { Authorization: await sign({ token_use: 'access', scope: 'pets/write' }) })).status).toBe(401)
    expect((await get('/cognito-scoped', { Authorization: await sign({}) })).status).toBe(401)
  })
})

describe('authorizers with the stage cache, API keys and roles', () => {
  const whoami = async (name: string, headers: Record<string, string> = {}) => {
    const res = await rawRequest(gateway.url, { path: '/dev/whoami', headers: { Host: 'authc.execute-api.localhost', Authorization: `Bearer ${name}`, ...headers } })
    expect(res.status).toBe(200)
    return { ...json(res.text), warning: res.headers.warning }
  }

  it('keeps cached responses apart per principal', async () => {
    const ann = await whoami('ann')
    expect(ann.principal).toBe('ann')
    expect((await whoami('bob')).principal).toBe('bob')
    expect(await whoami('ann')).toMatchObject({ principal: 'ann', call: ann.call })
  })

  it('lets Cache-Control: max-age=0 refresh only for a policy allowing execute-api:InvalidateCache', async () => {
    const ann = await whoami('ann')
    const refused = await whoami('ann', { 'Cache-Control': 'max-age=0' })
    expect(refused.call).toBe(ann.call)
    expect(refused.warning).toMatch(/^199 /)
    const admin = await whoami('admin')
    const refreshed = await whoami('admin', { 'Cache-Control': 'max-age=0' })
    expect(refreshed.call).toBeGreaterThan(admin.call)
  })

  it("takes the API key from the authorizer's usageIdentifierKey with key source AUTHORIZER", async () => {
    const metered = (name: string) => rawRequest(gateway.url, { path: '/dev/metered', headers: { Host: 'authc.execute-api.localhost', Authorization: `Bearer ${name}` } })
    const acme = await metered('acme')
    expect(acme.status).toBe(200)
    expect(json(acme.text)).toEqual({ key: acmeKey })
    const other = await metered('other')
    expect(other.status).toBe(403)
    expect(json(other.text)).toEqual({ message: 'Forbidden' })
  })

  it('invokes the authorizer with the role in authorizerCredentials', async () => {
    const before = services.calls.length
    expect((await whoami('role-check')).principal).toBe('role-check')
    const calls = services.calls.slice(before).filter((c) => c.fields.functionName === 'keyed-auth')
    expect(calls.map((c) => c.accessKeyId)).toEqual([assumed.accessKeyId])
    // The role is assumed with the gateway's own key, by this request or an earlier one of this gateway.
    const assumedBy = services.calls.filter((c) => c.service === 'sts' && c.fields.RoleArn === role).map((c) => c.accessKeyId)
    expect(assumedBy.length).toBeGreaterThan(0)
    expect(new Set(assumedBy)).toEqual(new Set([own.accessKeyId]))
  })
})
