import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type RunningGateway } from './helpers/gateway'
import { routesDir } from './helpers/routes'
import { adminClient } from './helpers/admin'
import { connected, open, type Client } from './helpers/websocket'
import { startAwsServices } from './conformance/aws-services'

/**
 * API keys on WebSocket APIs over real sockets: `$connect` with `apiKeyRequired` checked against
 * usage plans by the per-key Durable Objects, keys from the handshake header or the `$connect`
 * authorizer, and message routes that count against the key's quota.
 */

const own = { accessKeyId: 'AKIAE2EWSAPIKEYS0001', secretAccessKey: 'e2e/ws-api-keys/secret/0123456789' }
const ADMIN = 'e2e-admin-token-for-ws-keys'
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`
const allow = { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] }

const KEYS = {
  open: 'ws-open-key-0123456789abcdef',
  quota: 'ws-quota-key-0123456789abcdef',
  burst: 'ws-burst-key-0123456789abcdef',
  off: 'ws-off-key-0123456789abcdef',
  elsewhere: 'ws-elsewhere-key-0123456789abc',
  partner: 'ws-partner-key-0123456789abcd',
}

const mockRoute = (template: string) => `
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: '${template}' } } }`

const keyed = `x-gateway:
  apiId: keyed
  protocolType: WEBSOCKET
  basePath: /keyed
  routeSelectionExpression: $request.body.action
  stages: { dev: {}, other: {} }
  usagePlans:
    - { name: ws-open, apiStages: [{ stage: dev }] }
    - { name: ws-quota, apiStages: [{ stage: dev }], quota: { limit: 3, period: DAY } }
    - { name: ws-burst, apiStages: [{ stage: dev }], throttle: { rateLimit: 0.001, burstLimit: 2 } }
    - { name: ws-other, apiStages: [{ stage: other }] }
  apiKeys:
    - { name: open, value: ${KEYS.open}, usagePlans: [ws-open] }
    - { name: quota, value: ${KEYS.quota}, usagePlans: [ws-quota] }
    - { name: burst, value: ${KEYS.burst}, usagePlans: [ws-burst] }
    - { name: off, value: ${KEYS.off}, enabled: false, usagePlans: [ws-open] }
    - { name: elsewhere, value: ${KEYS.elsewhere}, usagePlans: [ws-other] }
  routes:
    $connect:
      apiKeyRequired: true
      integration: { integrationType: MOCK, requestTemplates: { $default: '{"statusCode": 200}' } }
    whoami:${mockRoute('{"apiKey": "$context.identity.apiKey", "apiKeyId": "$context.identity.apiKeyId"}')}
    metered:
      apiKeyRequired: true${mockRoute('{"metered": true}')}
`

const fromAuthorizer = (services: string) => `x-gateway:
  apiId: authkeys
  protocolType: WEBSOCKET
  basePath: /authkeys
  routeSelectionExpression: $request.body.action
  apiKeySelectionExpression: $context.authorizer.usageIdentifierKey
  awsEndpoints: { lambda: '${services}' }
  stages: { dev: {} }
  usagePlans: [{ name: ws-partners, apiStages: [{ stage: dev }] }]
  apiKeys: [{ name: partner, value: ${KEYS.partner}, usagePlans: [ws-partners] }]
  authorizers:
    auth:
      authorizerType: REQUEST
      authorizerUri: '${fn('ws-key-auth')}'
      identitySource: [route.request.header.Partner]
      authorizerResultTtlInSeconds: 0
  routes:
    $connect:
      apiKeyRequired: true
      authorizationType: CUSTOM
      authorizerId: auth
      integration: { integrationType: MOCK, requestTemplates: { $default: '{"statusCode": 200}' } }
    whoami:${mockRoute('{"apiKey": "$context.identity.apiKey"}')}
`

let gateway: RunningGateway
let services: Awaited<ReturnType<typeof startAwsServices>>
let routes: Awaited<ReturnType<typeof routesDir>>
const clients: Client[] = []

beforeAll(async () => {
  services = await startAwsServices({
    keys: new Map([[own.accessKeyId, own]]),
    functions: {
      // The partner's name picks the key the authorizer hands back as usageIdentifierKey.
      'ws-key-auth': (event) => ({
        principalId: event.headers.Partner,
        policyDocument: allow,
        ...(event.headers.Partner === 'acme' ? { usageIdentifierKey: KEYS.partner } : event.headers.Partner === 'stranger' ? { usageIdentifierKey: 'ws-unknown-key-0123456789abc' } : {}),
      }),
    },
  })
  routes = await routesDir({ 'keyed.yaml': keyed, 'authkeys.yaml': fromAuthorizer(services.url) })
  gateway = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey, GATEWAY_ADMIN_TOKEN: ADMIN } })
}, 90_000)

afterAll(async () => {
  for (const c of clients) c.ws.terminate()
  await gateway?.stop()
  await services?.stop()
  await routes?.remove()
})

const wsUrl = (path: string) => `${gateway.url.replace('http', 'ws')}${path}`
const withKey = (key: string) => ({ headers: { 'x-api-key': key } })
const client = async (path: string, options?: Parameters<typeof open>[1]) => {
  const c = await connected(wsUrl(path), options)
  clients.push(c)
  return c
}
const ask = async (c: Client, action: string) => {
  c.send({ action })
  return JSON.parse(await c.next())
}
const admin = (method: string, path: string, body?: unknown) => adminClient(gateway.url, ADMIN)(method, path, body)

describe('API keys on $connect', () => {
  it('refuses the upgrade with 403 Forbidden for a missing, unknown, disabled or other-stage key', async () => {
    for (const options of [{}, withKey('ws-nobody-key-0123456789abcdef'), withKey(KEYS.off), withKey(KEYS.elsewhere)]) {
      expect(await open(wsUrl('/keyed/dev'), options)).toMatchObject({ status: 403, headers: { 'x-amzn-errortype': 'ForbiddenException' } })
    }
  })

  it('accepts a key on a plan for the stage and shows it as $context.identity.apiKey on later messages', async () => {
    const c = await client('/keyed/dev', withKey(KEYS.open))
    const seen = await ask(c, 'whoami')
    expect(seen.apiKey).toBe(KEYS.open)
    expect(seen.apiKeyId).toMatch(/^[a-z0-9]{10}$/)
  })

  it("refuses a handshake beyond the plan's burst with 429", async () => {
    await client('/keyed/dev', withKey(KEYS.burst))
    await client('/keyed/dev', withKey(KEYS.burst))
    expect(await open(wsUrl('/keyed/dev'), withKey(KEYS.burst))).toMatchObject({ status: 429, headers: { 'x-amzn-errortype': 'TooManyRequestsException' } })
  })

  it('counts the handshake and messages to key-requiring routes against the quota, then refuses both', async () => {
    const c = await client('/keyed/dev', withKey(KEYS.quota)) // 1 of 3
    // Routes without apiKeyRequired do not count.
    for (let i = 0; i < 3; i++) expect((await ask(c, 'whoami')).apiKey).toBe(KEYS.quota)
    expect(await ask(c, 'metered')).toEqual({ metered: true }) // 2
    expect(await ask(c, 'metered')).toEqual({ metered: true }) // 3
    expect(await ask(c, 'metered')).toMatchObject({ message: 'Limit Exceeded', connectionId: expect.any(String) })
    expect(await open(wsUrl('/keyed/dev'), withKey(KEYS.quota))).toMatchObject({ status: 429, headers: { 'x-amzn-errortype': 'LimitExceededException' } })
    // The connection itself stays open.
    expect((await ask(c, 'whoami')).apiKey).toBe(KEYS.quota)
  })

  it('takes keys created through the admin API, and refuses their messages once the key is disabled', async () => {
    const { status, json: key } = await admin('POST', '/apikeys', { name: 'ws-runtime', usagePlans: ['ws-open'] })
    expect(status).toBe(201)
    const c = await client('/keyed/dev', withKey(key.value))
    expect(await ask(c, 'metered')).toEqual({ metered: true })
    expect((await admin('PATCH', `/apikeys/${key.id}`, { enabled: false })).status).toBe(200)
    expect(await ask(c, 'metered')).toMatchObject({ message: 'Forbidden' })
    expect(await open(wsUrl('/keyed/dev'), withKey(key.value))).toMatchObject({ status: 403 })
  })
})

describe('apiKeySelectionExpression: $context.authorizer.usageIdentifierKey', () => {
  it("takes the key from the $connect authorizer's usageIdentifierKey, not the header", async () => {
    const c = await client('/authkeys/dev', { headers: { Partner: 'acme' } })
    expect(await ask(c, 'whoami')).toEqual({ apiKey: KEYS.partner })
    // A valid key in the header does not stand in for the authorizer's.
    expect(await open(wsUrl('/authkeys/dev'), { headers: { Partner: 'nobody', 'x-api-key': KEYS.partner } })).toMatchObject({ status: 403 })
    expect(await open(wsUrl('/authkeys/dev'), { headers: { Partner: 'stranger' } })).toMatchObject({ status: 403 })
  })
})
