import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AwsV4Signer } from 'aws4fetch'
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  FlushStageAuthorizersCacheCommand,
  FlushStageCacheCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetStagesCommand,
  GetUsageCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  UpdateApiKeyCommand,
  UpdateUsageCommand,
  type ApiKey,
} from '@aws-sdk/client-api-gateway'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { startAwsServices } from './conformance/aws-services'

/**
 * AWS's API Gateway management API at /_gateway/aws, driven by the stock
 * `@aws-sdk/client-api-gateway` against `gateway serve`, with the effect checked on real requests.
 */

const signer = { accessKeyId: 'AKIDE2ECONTROLPLANE1', secretAccessKey: 'e2e/control-plane/secret/0123456789' }
const lambdaKey = { accessKeyId: 'AKIDE2ELAMBDACALLER1', secretAccessKey: 'e2e/lambda/secret/0123456789' }
const ADMIN = 'e2e-aws-control-admin-token'
const DEFINED = 'defined-key-0123456789abcdef'
const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:token-auth/invocations'

const api = (port: number, services: string) => `openapi: 3.0.1
info: { title: controlled, version: '1' }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn}', authorizerResultTtlInSeconds: 300 }
x-gateway:
  apiId: ctl
  awsEndpoints: { lambda: '${services}' }
  stages:
    live:
      variables: { tier: gold }
      cacheClusterEnabled: true
      cacheStatusHeader: true
      methodSettings:
        '/cached/GET': { cachingEnabled: true, cacheTtlInSeconds: 300 }
    other: {}
  usagePlans:
    - name: daily5
      apiStages: [{ stage: live }]
      quota: { limit: 5, period: DAY }
    - name: fast
      apiStages: [{ stage: live }]
      throttle: { rateLimit: 100, burstLimit: 100 }
    - name: elsewhere
      apiStages: [{ stage: other }]
      throttle: { rateLimit: 100, burstLimit: 100 }
  apiKeys:
    - { name: defined, value: ${DEFINED}, usagePlans: [daily5] }
paths:
  /data:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/data' }
  /cached:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/cached' }
  /authed:
    get:
      security: [{ tok: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200' } }
`

let fixture: Fixture
let services: Awaited<ReturnType<typeof startAwsServices>>
let client: APIGatewayClient
let base: string

beforeAll(async () => {
  services = await startAwsServices({
    keys: new Map([[lambdaKey.accessKeyId, lambdaKey]]),
    functions: { 'token-auth': () => ({ principalId: 'u1', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] } }) },
  })
  fixture = await serveWithBackend((port) => ({ 'controlled.yaml': api(port, services.url) }), {}, {
    GATEWAY_ADMIN_TOKEN: ADMIN,
    GATEWAY_IAM_CREDENTIALS: `AKIDOTHER:x,${signer.accessKeyId}:${signer.secretAccessKey}`,
    AWS_ACCESS_KEY_ID: lambdaKey.accessKeyId,
    AWS_SECRET_ACCESS_KEY: lambdaKey.secretAccessKey,
  })
  base = fixture.gateway.url
  client = sdk(signer)
}, 90_000)

afterAll(async () => {
  client?.destroy()
  await fixture?.stop()
  await services?.stop()
})

const sdk = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
  new APIGatewayClient({ endpoint: `${base}/_gateway/aws`, region: 'eu-west-1', credentials, maxAttempts: 1 })
const call = (key: string) => rawRequest(base, { path: '/live/data', headers: { 'x-api-key': key } })
/** The first `want` status within `ms`, else the last one seen. */
async function statusWithin(ms: number, send: () => Promise<{ status: number }>, want: number): Promise<number> {
  const end = Date.now() + ms
  for (;;) {
    const { status } = await send()
    if (status === want || Date.now() > end) return status
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
const today = () => new Date().toISOString().slice(0, 10)
const planId = async (name: string) => (await client.send(new GetUsagePlansCommand({}))).items!.find((p) => p.name === name)!.id!
/** The error the SDK threw, as name and status. */
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => e,
  )
  expect(e, 'the call should have failed').toBeDefined()
  return { name: e!.name, status: e!.$metadata?.httpStatusCode, message: e!.message }
}
/** One request signed as the SDK would, for what the SDK will not send. */
async function signed(method: string, path: string, body?: string, options: { secret?: string; datetime?: string } = {}) {
  const s = new AwsV4Signer({
    url: `${base}/_gateway/aws${path}`,
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
    accessKeyId: signer.accessKeyId,
    secretAccessKey: options.secret ?? signer.secretAccessKey,
    service: 'apigateway',
    region: 'eu-west-1',
    ...(options.datetime ? { datetime: options.datetime } : {}),
  })
  const r = await s.sign()
  const headers: Record<string, string> = {}
  r.headers.forEach((value, name) => (headers[name] = value))
  return { url: r.url.toString(), method, headers, body }
}
const send = async (r: { url: string; method: string; headers: Record<string, string>; body?: string }, body = r.body) => {
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body })
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), json: (await res.json()) as { message: string } }
}

describe('the AWS control API over gateway serve, with @aws-sdk/client-api-gateway', () => {
  it('create key → associate with a plan → works at once → counted by GetUsage → disabled and refused within a second', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'acme', enabled: true, description: 'first customer' }))
    expect(key.id).toMatch(/^[a-z0-9]{10}$/)
    expect(key.value).toMatch(/^[A-Za-z0-9]{40}$/)
    expect(key.enabled).toBe(true)
    expect(key.createdDate).toBeInstanceOf(Date)
    expect(Math.abs(key.createdDate!.getTime() - Date.now())).toBeLessThan(60_000)
    expect((await call(key.value!)).status).toBe(403)

    const usagePlanId = await planId('daily5')
    const member = await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }))
    expect(member).toMatchObject({ id: key.id, type: 'API_KEY', name: 'acme', value: key.value })
    expect((await call(key.value!)).status).toBe(200)
    expect((await call(key.value!)).status).toBe(200)

    const usage = await client.send(new GetUsageCommand({ usagePlanId, keyId: key.id, startDate: today(), endDate: today() }))
    expect(usage.usagePlanId).toBe(usagePlanId)
    expect(usage.items).toEqual({ [key.id!]: [[2, 3]] })

    await client.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'replace', path: '/enabled', value: 'false' }] }))
    // Written through to the key's object before UpdateApiKey answers: the very next request is refused.
    expect((await call(key.value!)).status).toBe(403)
    expect((await client.send(new GetApiKeyCommand({ apiKey: key.id }))).enabled).toBe(false)
  })

  it('flushes the stage cache: the next request misses and reaches the backend', async () => {
    const get = () => rawRequest(base, { path: '/live/cached' })
    await get()
    const hit = await get()
    expect(hit.headers['x-cache']).toBe('Hit')
    const before = fixture.backend.received.filter((r) => r.url === '/cached').length
    await client.send(new FlushStageCacheCommand({ restApiId: 'ctl', stageName: 'live' }))
    const next = await get()
    expect(next.headers['x-cache']).toBe('Miss')
    expect(fixture.backend.received.filter((r) => r.url === '/cached').length).toBe(before + 1)
  })

  it('flushes the authorizer cache of a stage: the next request invokes the authorizer again', async () => {
    const invocations = () => services.calls.filter((c) => JSON.stringify(c).includes('token-auth')).length
    const get = () => rawRequest(base, { path: '/live/authed', headers: { authorization: 'Bearer flush-me' } })
    expect((await get()).status).toBe(200)
    const first = invocations()
    expect((await get()).status).toBe(200)
    expect(invocations()).toBe(first)
    await client.send(new FlushStageAuthorizersCacheCommand({ restApiId: 'ctl', stageName: 'live' }))
    expect((await get()).status).toBe(200)
    expect(invocations()).toBe(first + 1)
  })

  it('lists keys (routes/ and run time) with values only when asked, by name prefix, a page at a time', async () => {
    const made = await client.send(new CreateApiKeyCommand({ name: 'listing-1', value: 'listing-one-0123456789abcdef' }))
    await client.send(new CreateApiKeyCommand({ name: 'listing-2' }))
    expect(made.enabled).toBe(false)
    const all = await client.send(new GetApiKeysCommand({}))
    expect(all.items!.map((k) => k.name)).toEqual(expect.arrayContaining(['defined', 'listing-1', 'listing-2']))
    expect(all.items!.every((k) => k.value === undefined)).toBe(true)
    const withValues = await client.send(new GetApiKeysCommand({ includeValues: true, nameQuery: 'listing-' }))
    expect(withValues.items!.map((k) => k.name).sort()).toEqual(['listing-1', 'listing-2'])
    expect(withValues.items!.find((k) => k.name === 'listing-1')!.value).toBe('listing-one-0123456789abcdef')
    expect((await client.send(new GetApiKeyCommand({ apiKey: made.id, includeValue: true }))).value).toBe('listing-one-0123456789abcdef')
    expect((await client.send(new GetApiKeyCommand({ apiKey: made.id }))).value).toBeUndefined()

    const paged: ApiKey[] = []
    let position: string | undefined
    let pages = 0
    do {
      const page = await client.send(new GetApiKeysCommand({ limit: 2, position }))
      expect(page.items!.length).toBeLessThanOrEqual(2)
      paged.push(...page.items!)
      position = page.position
      pages++
    } while (position && pages < 50)
    expect(paged.map((k) => k.id).sort()).toEqual(all.items!.map((k) => k.id).sort())
    expect(pages).toBe(Math.ceil(all.items!.length / 2))
  })

  it('renames and describes a key, and shows a key defined in routes/ with its plan', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'before', enabled: true }))
    const after = await client.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [
          { op: 'replace', path: '/name', value: 'after' },
          { op: 'replace', path: '/description', value: 'renamed' },
        ],
      }),
    )
    expect(after).toMatchObject({ id: key.id, name: 'after', description: 'renamed', enabled: true })
    expect(after.lastUpdatedDate!.getTime()).toBeGreaterThanOrEqual(key.createdDate!.getTime())
    const defined = (await client.send(new GetApiKeysCommand({ nameQuery: 'defined' }))).items![0]
    expect(defined.name).toBe('defined')
    const plans = await client.send(new GetUsagePlansCommand({ keyId: defined.id }))
    expect(plans.items!.map((p) => p.name)).toEqual(['daily5'])
  })

  it('shows the plans of routes/ with stable ids, and their keys', async () => {
    const plans = (await client.send(new GetUsagePlansCommand({}))).items!
    expect(plans.map((p) => p.name).sort()).toEqual(['daily5', 'elsewhere', 'fast'])
    const daily = plans.find((p) => p.name === 'daily5')!
    expect(daily).toMatchObject({ apiStages: [{ apiId: 'ctl', stage: 'live' }], quota: { limit: 5, offset: 0, period: 'DAY' } })
    expect(plans.find((p) => p.name === 'fast')!.throttle).toEqual({ burstLimit: 100, rateLimit: 100 })
    expect(await client.send(new GetUsagePlanCommand({ usagePlanId: daily.id }))).toMatchObject({ id: daily.id, name: 'daily5' })

    const keys = (await client.send(new GetUsagePlanKeysCommand({ usagePlanId: daily.id }))).items!
    const defined = keys.find((k) => k.name === 'defined')!
    expect(defined).toMatchObject({ type: 'API_KEY', value: DEFINED })
    expect(await client.send(new GetUsagePlanKeyCommand({ usagePlanId: daily.id, keyId: defined.id }))).toMatchObject({ id: defined.id, name: 'defined' })
    expect((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: daily.id, nameQuery: 'defined' }))).items!.map((k) => k.name)).toEqual(['defined'])
  })

  it('removes a key from a plan (refused at once) and deletes a key (gone everywhere)', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'leaving', enabled: true }))
    const usagePlanId = await planId('fast')
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }))
    expect((await call(key.value!)).status).toBe(200)
    await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: key.id }))
    expect((await call(key.value!)).status).toBe(403)
    expect(await failure(client.send(new GetUsagePlanKeyCommand({ usagePlanId, keyId: key.id })))).toMatchObject({ name: 'NotFoundException', status: 404 })

    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }))
    await client.send(new DeleteApiKeyCommand({ apiKey: key.id }))
    expect((await call(key.value!)).status).toBe(403)
    expect(await failure(client.send(new GetApiKeyCommand({ apiKey: key.id })))).toMatchObject({ name: 'NotFoundException', status: 404, message: 'Invalid API Key identifier specified' })
  })

  it('UpdateUsage sets the quota left: at zero the key is refused, more lifts it again', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'metered', enabled: true }))
    const usagePlanId = await planId('daily5')
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }))
    const spent = await client.send(new UpdateUsageCommand({ usagePlanId, keyId: key.id, patchOperations: [{ op: 'replace', path: '/remaining', value: '0' }] }))
    expect(spent.items).toEqual({ [key.id!]: [[5, 0]] })
    expect((await call(key.value!)).status).toBe(429)
    await client.send(new UpdateUsageCommand({ usagePlanId, keyId: key.id, patchOperations: [{ op: 'replace', path: '/remaining', value: '1' }] }))
    // An isolate may repeat the quota refusal for up to a lease time (500 ms, docs/usage-plans.md).
    expect(await statusWithin(1500, () => call(key.value!), 200)).toBe(200)
    expect((await call(key.value!)).status).toBe(429)
    const usage = await client.send(new GetUsageCommand({ usagePlanId, startDate: today(), endDate: today() }))
    expect(usage.items![key.id!]).toEqual([[5, 0]])
  })

  it('GetUsage answers one [used, remaining] pair per day of the range', async () => {
    const usagePlanId = await planId('daily5')
    const start = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10)
    const usage = await client.send(new GetUsageCommand({ usagePlanId, startDate: start, endDate: today() }))
    expect(usage.startDate).toBe(start)
    for (const days of Object.values(usage.items!)) expect(days).toHaveLength(3)
    expect(Object.keys(usage.items!).length).toBeGreaterThan(0)
    expect(await failure(client.send(new GetUsageCommand({ usagePlanId, startDate: today(), endDate: start })))).toMatchObject({ name: 'BadRequestException', status: 400 })
    expect(await failure(client.send(new GetUsageCommand({ usagePlanId, startDate: 'yesterday', endDate: today() })))).toMatchObject({ name: 'BadRequestException', status: 400 })
  })

  it('shows the REST APIs and their stages from routes/', async () => {
    const apis = await client.send(new GetRestApisCommand({}))
    expect(apis.items!.map((a) => [a.id, a.name])).toEqual([['ctl', 'controlled']])
    const stages = await client.send(new GetStagesCommand({ restApiId: 'ctl' }))
    expect(stages.item!.map((s) => s.stageName).sort()).toEqual(['live', 'other'])
    const live = await client.send(new GetStageCommand({ restApiId: 'ctl', stageName: 'live' }))
    expect(live).toMatchObject({ stageName: 'live', cacheClusterEnabled: true, variables: { tier: 'gold' } })
    expect(await failure(client.send(new GetStageCommand({ restApiId: 'ctl', stageName: 'nope' })))).toMatchObject({ name: 'NotFoundException', status: 404 })
    expect(await failure(client.send(new FlushStageCacheCommand({ restApiId: 'nope', stageName: 'live' })))).toMatchObject({ name: 'NotFoundException', status: 404 })
  })
})

describe('bad input gets AWS’s error and changes nothing', () => {
  it('an unknown patch path or op is a 400, and the other operations of the same call are not applied', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'stable', enabled: true }))
    const bad = client.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [
          { op: 'replace', path: '/enabled', value: 'false' },
          { op: 'replace', path: '/customerId', value: 'x' },
        ],
      }),
    )
    expect(await failure(bad)).toMatchObject({ name: 'BadRequestException', status: 400, message: 'Invalid patch path /customerId' })
    const badOp = client.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'remove', path: '/name' }] }))
    expect(await failure(badOp)).toMatchObject({ name: 'BadRequestException', status: 400 })
    const badValue = client.send(new UpdateApiKeyCommand({ apiKey: key.id, patchOperations: [{ op: 'replace', path: '/enabled', value: 'nope' }] }))
    expect(await failure(badValue)).toMatchObject({ name: 'BadRequestException', status: 400 })
    expect(await client.send(new GetApiKeyCommand({ apiKey: key.id }))).toMatchObject({ name: 'stable', enabled: true })
  })

  it('a key associated twice, or with a second plan for the same stage, is a 409; its plans stay as they were', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'twice', enabled: true }))
    const daily = await planId('daily5')
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: daily, keyId: key.id, keyType: 'API_KEY' }))
    const again = await failure(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: daily, keyId: key.id, keyType: 'API_KEY' })))
    expect(again).toMatchObject({ name: 'ConflictException', status: 409 })
    expect(again.message).toContain(key.id)
    const sameStage = await failure(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: await planId('fast'), keyId: key.id, keyType: 'API_KEY' })))
    expect(sameStage).toMatchObject({ name: 'ConflictException', status: 409 })
    expect(sameStage.message).toContain('ctl:live')
    expect((await client.send(new GetUsagePlansCommand({ keyId: key.id }))).items!.map((p) => p.name)).toEqual(['daily5'])
  })

  it('a plan or key that does not exist is a 404', async () => {
    const key = await client.send(new CreateApiKeyCommand({ name: 'orphan' }))
    expect(await failure(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: 'nosuchplan', keyId: key.id, keyType: 'API_KEY' })))).toMatchObject({
      name: 'NotFoundException',
      status: 404,
      message: 'Invalid Usage Plan ID specified',
    })
    expect(await failure(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: await planId('daily5'), keyId: 'nosuchkey0', keyType: 'API_KEY' })))).toMatchObject({
      name: 'NotFoundException',
      status: 404,
    })
    expect(await failure(client.send(new GetUsagePlanCommand({ usagePlanId: 'nosuchplan' })))).toMatchObject({ name: 'NotFoundException', status: 404 })
    expect(await failure(client.send(new UpdateApiKeyCommand({ apiKey: 'nosuchkey0', patchOperations: [] })))).toMatchObject({ name: 'NotFoundException', status: 404 })
    expect((await client.send(new GetUsagePlansCommand({ keyId: key.id }))).items).toEqual([])
  })

  it('a value already in use is a 409, and a short value a 400; no key is created', async () => {
    const before = (await client.send(new GetApiKeysCommand({ limit: 500 }))).items!.length
    expect(await failure(client.send(new CreateApiKeyCommand({ name: 'copy', value: DEFINED })))).toMatchObject({ name: 'ConflictException', status: 409 })
    expect(await failure(client.send(new CreateApiKeyCommand({ name: 'short', value: 'too-short' })))).toMatchObject({ name: 'BadRequestException', status: 400 })
    expect((await client.send(new GetApiKeysCommand({ limit: 500 }))).items!.length).toBe(before)
  })

  it('a body that is not JSON, or has fields AWS does not define, is a 400', async () => {
    const notJson = await send(await signed('POST', '/apikeys', '{"name": '))
    expect(notJson).toMatchObject({ status: 400, type: 'BadRequestException' })
    expect(notJson.json.message).toMatch(/json/i)
    const unknownField = await send(await signed('POST', '/apikeys', '{"name":"x","colour":"red"}'))
    expect(unknownField).toMatchObject({ status: 400, type: 'BadRequestException' })
    expect(unknownField.json.message).toContain('colour')
    const badLimit = await send(await signed('GET', '/apikeys?limit=0'))
    expect(badLimit).toMatchObject({ status: 400, type: 'BadRequestException' })
  })

  it('an operation the gateway does not offer is a 404 UnknownOperationException', async () => {
    expect(await failure(client.send(new CreateUsagePlanCommand({ name: 'runtime' })))).toMatchObject({ name: 'UnknownOperationException', status: 404 })
    const raw = await send(await signed('GET', '/domainnames'))
    expect(raw).toMatchObject({ status: 404, type: 'UnknownOperationException' })
    expect(raw.json.message).toBe('Unknown operation: GET /domainnames')
  })
})

describe('who may call it', () => {
  it('refuses a wrong secret, an unknown access key and an unsigned call with 403', async () => {
    const wrong = sdk({ accessKeyId: signer.accessKeyId, secretAccessKey: 'not-the-secret' })
    expect(await failure(wrong.send(new GetApiKeysCommand({})))).toMatchObject({ name: 'InvalidSignatureException', status: 403 })
    const stranger = sdk({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' })
    expect(await failure(stranger.send(new GetApiKeysCommand({})))).toMatchObject({ name: 'UnrecognizedClientException', status: 403 })
    wrong.destroy()
    stranger.destroy()
    const unsigned = await rawRequest(base, { path: '/_gateway/aws/apikeys' })
    expect(unsigned.status).toBe(403)
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException')
  })

  it('refuses a signature replayed after five minutes, or on another body, with 403; nothing is created', async () => {
    const before = (await client.send(new GetApiKeysCommand({ limit: 500 }))).items!.length
    const stamp = new Date(Date.now() - 10 * 60_000).toISOString().replace(/[:-]|\.\d{3}/g, '')
    const old = await send(await signed('POST', '/apikeys', '{"name":"replayed"}', { datetime: stamp }))
    expect(old).toMatchObject({ status: 403, type: 'InvalidSignatureException' })
    expect(old.json.message).toMatch(/expired/i)
    const captured = await signed('POST', '/apikeys', '{"name":"original"}')
    const tampered = await send(captured, '{"name":"tampered"}')
    expect(tampered).toMatchObject({ status: 403, type: 'InvalidSignatureException' })
    expect((await client.send(new GetApiKeysCommand({ limit: 500 }))).items!.length).toBe(before)
  })

  it('accepts the admin token, and shares one store with /_gateway/admin', async () => {
    const viaAdmin = await rawRequest(base, {
      method: 'POST',
      path: '/_gateway/admin/apikeys',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from-admin', usagePlans: ['elsewhere'] }),
    })
    expect(viaAdmin.status).toBe(201)
    const made = JSON.parse(viaAdmin.text) as { id: string; value: string }
    expect(await client.send(new GetApiKeyCommand({ apiKey: made.id, includeValue: true }))).toMatchObject({ name: 'from-admin', value: made.value, enabled: true })
    expect((await client.send(new GetUsagePlansCommand({ keyId: made.id }))).items!.map((p) => p.name)).toEqual(['elsewhere'])

    const viaSdk = await client.send(new CreateApiKeyCommand({ name: 'from-sdk' }))
    const listed = await rawRequest(base, { path: `/_gateway/admin/apikeys/${viaSdk.id}`, headers: { authorization: `Bearer ${ADMIN}` } })
    expect(JSON.parse(listed.text)).toMatchObject({ id: viaSdk.id, name: 'from-sdk', enabled: false })

    const withToken = await rawRequest(base, { path: `/_gateway/aws/apikeys/${made.id}`, headers: { authorization: `Bearer ${ADMIN}` } })
    expect(withToken.status).toBe(200)
    expect(JSON.parse(withToken.text)).toMatchObject({ id: made.id, name: 'from-admin' })
  })
})
