import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import type { Env } from '../../src/env'
import { metricsSnapshot } from '../../src/observe/metrics'

const mock = `x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }`
const api = (apiId: string, stage: string) =>
  compileOrThrow([
    {
      file: `routes/${apiId}.yaml`,
      text: `openapi: 3.0.1
x-gateway:
  apiId: ${apiId}
  stages:
    v1:
${stage}
      methodSettings:
        '*/*': { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 }
        /b/GET: { throttlingRateLimit: 1000, throttlingBurstLimit: 1000 }
        /c/GET: { throttlingRateLimit: 0.001, throttlingBurstLimit: 8, throttlingShards: 4 }
paths:
  /a: { get: { ${mock} } }
  /b: { get: { ${mock} } }
  /c: { get: { ${mock} } }
`,
    },
  ])
const get = (handle: ReturnType<typeof createPipeline>, path: string, bindings: Env = env as Env) => handle(new Request(`http://gw${path}`), bindings)

afterEach(() => vi.restoreAllMocks())

describe('stage throttling', () => {
  it('applies methodSettings limits per method: the stage default to one, its own entry to another', async () => {
    const h = createPipeline(api('stage-throttle', '      rateLimitHeaders: true'))
    expect((await get(h, '/v1/a')).status).toBe(200)
    const throttled = await get(h, '/v1/a')
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('x-amzn-ErrorType')).toBe('TooManyRequestsException')
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' })
    for (let i = 0; i < 5; i++) expect((await get(h, '/v1/b')).status).toBe(200)
  })

  it('holds a limit spread over throttlingShards objects exactly, and one isolate reaches every shard', async () => {
    const h = createPipeline(api('stage-throttle-shards', '      variables: {}'))
    // 40 at once: at most the burst of 8 (2 per shard), at least the isolate's own shard's 2.
    const burst = await Promise.all(Array.from({ length: 40 }, () => get(h, '/v1/c').then((r) => r.status)))
    const first = burst.filter((s) => s === 200).length
    expect(first).toBeGreaterThanOrEqual(2)
    expect(first).toBeLessThanOrEqual(8)
    expect(burst.filter((s) => s !== 200).every((s) => s === 429)).toBe(true)
    // Then one at a time: the other shards' tokens are spilled to this isolate, and never one more than 8 in all.
    let admitted = first
    for (let i = 0; i < 40 && admitted < 8; i++) {
      if ((await get(h, '/v1/c')).status === 200) admitted += 1
      await new Promise((resolve) => setTimeout(resolve, 60))
    }
    expect(admitted).toBe(8)
    for (let i = 0; i < 10; i++) expect((await get(h, '/v1/c')).status).toBe(429)
    // Every object call is counted for the stage: at least one per shard, far fewer than requests.
    const calls = metricsSnapshot().find((m) => m.name === 'ThrottleObjectCalls' && m.dimensions.apiId === 'stage-throttle-shards' && m.dimensions.stage === 'v1')
    expect(calls?.sum).toBeGreaterThanOrEqual(4)
    expect(calls?.sum).toBeLessThan(45)
  })

  it('fails closed with 500 when the throttling object fails', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = createPipeline(api('throttle-object-fails', '      throttlingFailOpen: false'))
    // A real object that cannot answer: THROTTLE bound to a class without take().
    const failing = await get(h, '/v1/a', { ...(env as Env), THROTTLE: (env as Env).CONNECTIONS as Env['THROTTLE'] })
    expect(failing.status).toBe(500)
    expect(failing.headers.get('x-amzn-ErrorType')).toBe('InternalServerErrorException')
    expect(await failing.json()).toEqual({ message: 'Internal server error' })
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/throttling Durable Object failed \(failing closed\)/)
  })

  it('serves unthrottled, and logs it, when the object fails on a stage with throttlingFailOpen', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = createPipeline(api('throttle-fail-open', '      throttlingFailOpen: true'))
    const broken = { ...(env as Env), THROTTLE: (env as Env).CONNECTIONS as Env['THROTTLE'] }
    // Burst 1: a working bucket would refuse the second request.
    const statuses = await Promise.all(Array.from({ length: 5 }, () => get(h, '/v1/a', broken).then((r) => r.status)))
    expect(statuses).toEqual([200, 200, 200, 200, 200])
    expect((await get(h, '/v1/a', broken)).status).toBe(200)
    // Logged once for the whole failure, not once per request.
    expect(errors.mock.calls.map(([m]) => String(m))).toEqual(['throttling Durable Object failed (failing open); not logged again until it answers'])
  })
})

describe('the account default', () => {
  it('throttles the whole gateway at GATEWAY_ACCOUNT_THROTTLE, per pipeline, and not at all when off', async () => {
    const h = createPipeline(api('account-throttle', '      variables: {}'))
    const tight = { ...(env as Env), GATEWAY_ACCOUNT_THROTTLE: '0,2' }
    expect([(await get(h, '/v1/b', tight)).status, (await get(h, '/v1/b', tight)).status, (await get(h, '/v1/b', tight)).status]).toEqual([200, 200, 429])
    const off = { ...(env as Env), GATEWAY_ACCOUNT_THROTTLE: 'off' }
    for (let i = 0; i < 3; i++) expect((await get(h, '/v1/b', off)).status).toBe(200)
  })
})
