import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type RunningGateway } from './helpers/gateway'
import { startBackend, type Backend } from './helpers/backend'
import { rawRequest } from './helpers/http'
import { routesDir } from './helpers/routes'
import { LambdaError, startAwsServices, type AwsCall } from './conformance/aws-services'
import { spellings } from '../router/path-spellings'

/**
 * Issue 13, defects 1 and 10, over real sockets: `gateway serve` in front of a real backend,
 * with Lambda authorizers on the SigV4-checking Lambda and STS stand-in. A policy is judged
 * under the ARN of what the router matched, whatever the spelling; an authorizer without
 * `authorizerCredentials` is invoked with the gateway's own credentials, never the integration's role.
 */

const own = { accessKeyId: 'AKIAE2ESPELLINGS0001', secretAccessKey: 'e2e/spellings/secret/0123456789' }
const assumed = { accessKeyId: 'ASIAE2ESPELLROLE0001', secretAccessKey: 'e2e/spellings/role/0123456789', sessionToken: 'e2e-spellings-role-session' }
const integrationRole = 'arn:aws:iam::123456789012:role/integration-only'
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`
const arn = (path: string) => `arn:aws:execute-api:local:000000000000:authz/dev/GET${path}`
const statement = (Effect: string, Resource: string | string[]) => ({ Effect, Action: 'execute-api:Invoke', Resource })

const proxyTo = (backend: number) => `
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: 'http://127.0.0.1:${backend}/{id}'
        requestParameters: { integration.request.path.id: method.request.path.id }`

const api = (services: string, backend: number) => `openapi: 3.0.1
info: { title: authz, version: '1' }
x-gateway:
  apiId: authz
  stages: { dev: {} }
  awsEndpoints: { lambda: '${services}', sts: '${services}' }
components:
  securitySchemes:
    denySecret:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn('deny-secret')}', authorizerResultTtlInSeconds: 0 }
    byPath:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer: { type: request, authorizerUri: '${fn('by-path')}', identitySource: context.path, authorizerResultTtlInSeconds: 300 }
    ownCredentials:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn('who')}', authorizerResultTtlInSeconds: 0 }
paths:
  /auth/{id}:
    get:
      security: [{ denySecret: [] }]${proxyTo(backend)}
  /paths/{id}:
    get:
      security: [{ byPath: [] }]${proxyTo(backend)}
  /as-role:
    get:
      security: [{ ownCredentials: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('proxied')}', credentials: '${integrationRole}' }
`

let services: Awaited<ReturnType<typeof startAwsServices>>
let backend: Backend
let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>

beforeAll(async () => {
  services = await startAwsServices({
    keys: new Map([own, assumed].map((key) => [key.accessKeyId, key])),
    roles: { [integrationRole]: assumed },
    functions: {
      // Issue 13's policy: everything under GET, except two resources.
      'deny-secret': () => ({
        principalId: 'ann',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [statement('Allow', 'arn:aws:execute-api:*:*:authz/dev/GET/*'), statement('Deny', [arn('/auth/secret'), arn('/auth/zone')])],
        },
      }),
      'by-path': () => ({ principalId: 'ann', policyDocument: { Version: '2012-10-17', Statement: [statement('Allow', '*')] } }),
      who: (event) => {
        if (event.authorizationToken !== 'Bearer ann') throw new LambdaError('Unauthorized')
        return { principalId: 'ann', policyDocument: { Version: '2012-10-17', Statement: [statement('Allow', '*')] } }
      },
      proxied: () => ({ statusCode: 200, body: 'integration reached' }),
    },
  })
  backend = await startBackend()
  routes = await routesDir({ 'authz.yaml': api(services.url, backend.port) })
  gateway = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey } })
}, 90_000)

afterAll(async () => {
  await gateway?.stop()
  await services?.stop()
  await backend?.close()
  await routes?.remove()
})

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(gateway.url, { path, headers: { Host: 'authz.execute-api.localhost', ...headers } })
const callsOf = (name: string): AwsCall[] => services.calls.filter((c) => c.fields.functionName === name)
const assumeRoleCalls = () => services.calls.filter((c) => c.service === 'sts' && c.fields.RoleArn === integrationRole).length
const seeds = [13, 2026, 7_000_001]

describe('a Deny in an authorizer policy holds whatever the spelling of the path', () => {
  it('answers 403 for the spellings in issue 13 and every generated one, and the backend never sees them', async () => {
    const denied: [string, string][] = [
      ...['/dev/auth/secret', '/dev/auth/secret/', '/dev/auth//secret', '/dev//auth/secret', '/dev/auth/secret//', '/dev/auth/%73ecret'].map((p) => [p, '/auth/secret'] as [string, string]),
    ]
    for (const seed of seeds) {
      for (const p of spellings(['dev', 'auth', 'secret'], 15, seed)) denied.push([p, '/auth/secret'])
      // `zone`'s codes have hex letters: %7a and %7A, %6f and %6F … both cases.
      for (const p of spellings(['dev', 'auth', 'zone'], 15, seed)) denied.push([p, '/auth/zone'])
    }
    const reached = backend.received.length
    for (const [path, value] of denied) {
      const before = callsOf('deny-secret').length
      const res = await get(path, { Authorization: 'Bearer ann' })
      expect(res.status, `${path} (seeds ${seeds})`).toBe(403)
      expect(JSON.parse(res.text), path).toEqual({ Message: 'User is not authorized to access this resource with an explicit deny' })
      // The authorizer was asked about the matched method, not about the spelling.
      const calls = callsOf('deny-secret')
      expect(calls.length, path).toBe(before + 1)
      expect(calls.at(-1)!.fields.event, path).toMatchObject({ type: 'TOKEN', methodArn: arn(value) })
    }
    expect(denied.length).toBeGreaterThan(60)
    expect(backend.received.length).toBe(reached)
  })

  it('lets an allowed value through in any spelling, so the denials above are the policy speaking', async () => {
    const allowed = ['/dev/auth/other', ...spellings(['dev', 'auth', 'other'], 5, seeds[0])]
    for (const path of allowed) {
      const reached = backend.received.length
      const res = await get(path, { Authorization: 'Bearer ann' })
      expect(res.status, path).toBe(200)
      expect(backend.received.length, path).toBe(reached + 1)
      // Passed on as received (AWS does not decode path parameters).
      expect(decodeURIComponent(backend.received.at(-1)!.url), path).toBe('/other')
      expect(callsOf('deny-secret').at(-1)!.fields.event, path).toMatchObject({ methodArn: arn('/auth/other') })
    }
  })
})

describe("a REQUEST authorizer keyed by context.path", () => {
  it('caches one result for every spelling of one path, and another for another path', async () => {
    const before = callsOf('by-path').length
    for (const path of ['/dev/paths/p1', ...spellings(['dev', 'paths', 'p1'], 10, seeds[1])]) {
      expect((await get(path)).status, path).toBe(200)
    }
    expect(callsOf('by-path').length).toBe(before + 1)
    expect((await get('/dev/paths/p2')).status).toBe(200)
    expect(callsOf('by-path').length).toBe(before + 2)
  })
})

describe('an authorizer without authorizerCredentials', () => {
  it("is invoked with the gateway's own credentials: a refused request assumes no role", async () => {
    const res = await get('/dev/as-role', { Authorization: 'Bearer mallory' })
    expect(res.status).toBe(401)
    expect(callsOf('who').at(-1)!.accessKeyId).toBe(own.accessKeyId)
    // No test before this one assumes the integration's role, and this request must not either.
    expect(assumeRoleCalls()).toBe(0)
    expect(callsOf('proxied')).toHaveLength(0)
  })

  it("leaves the integration's role to the integration, assumed once authorization has passed", async () => {
    const sts = assumeRoleCalls()
    const res = await get('/dev/as-role', { Authorization: 'Bearer ann' })
    expect(res.status).toBe(200)
    expect(res.text).toBe('integration reached')
    expect(callsOf('who').at(-1)!.accessKeyId).toBe(own.accessKeyId)
    expect(callsOf('proxied').at(-1)!.accessKeyId).toBe(assumed.accessKeyId)
    expect(assumeRoleCalls()).toBe(sts + 1)
  })
})
