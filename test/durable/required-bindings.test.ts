import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import { missingBindings, requiredBindings } from '../../src/durable/required-bindings'
import type { Env } from '../../src/env'

const KEY = 'bindings-key-0123456789abcdef'
const integration = `x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"id": "$context.requestId"}' } } } }`

// One method per binding kind: keyed, stage-throttled, cached; and one that needs none.
const table = compileOrThrow([
  {
    file: 'routes/bindings.yaml',
    text: `openapi: 3.0.1
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  apiId: bindings
  stages:
    v1:
      throttlingFailOpen: true
      cacheClusterEnabled: true
      methodSettings:
        /throttled/GET: { throttlingRateLimit: 100, throttlingBurstLimit: 100 }
        /cached/GET: { cachingEnabled: true, cacheTtlInSeconds: 300 }
  usagePlans: [{ name: open-plan, apiStages: [{ stage: v1 }] }]
  apiKeys: [{ name: k, value: ${KEY}, usagePlans: [open-plan] }]
paths:
  /keyed: { get: { security: [{ api_key: [] }], ${integration} } }
  /throttled: { get: { ${integration} } }
  /cached: { get: { ${integration} } }
  /plain: { get: { ${integration} } }
`,
  },
])
const without = (binding: keyof Env): Env => ({ ...(env as Env), [binding]: undefined })
const handle = createPipeline(table)
const get = (path: string, bindings: Env) => handle(new Request(`http://gw/v1${path}`, { headers: { 'x-api-key': KEY } }), bindings)
const logged = (errors: { mock: { calls: unknown[][] } }, binding: string) => errors.mock.calls.filter(([m]) => String(m).startsWith(`${binding} binding missing:`))

afterEach(() => vi.restoreAllMocks())

describe('a binding the routes need is missing', () => {
  it.each([
    ['THROTTLE', '/throttled', /so methods with a methodSettings throttle are refused with 500/],
    ['API_KEYS', '/keyed', /so methods that require an API key are refused with 500/],
  ] as const)('without %s, its methods are refused with 500 and a log line naming it, even with throttlingFailOpen', async (binding, path, says) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await get(path, without(binding))
    expect(res.status).toBe(500)
    expect(res.headers.get('x-amzn-ErrorType')).toBe('InternalServerErrorException')
    expect(await res.json()).toEqual({ message: 'Internal server error' })
    expect(logged(errors, binding)).toHaveLength(1)
    expect(String(logged(errors, binding)[0][0])).toMatch(says)
    // Methods that do not need it are served.
    expect((await get('/plain', without(binding))).status).toBe(200)
  })

  it('without CACHE, cached methods are served uncached, and the Worker says so once', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const h = createPipeline(table)
    const bodies = []
    for (let i = 0; i < 3; i++) {
      const res = await h(new Request('http://gw/v1/cached'), without('CACHE'))
      expect(res.status).toBe(200)
      bodies.push(await res.text())
    }
    // Each response came from the integration (its own request id): nothing was cached.
    expect(new Set(bodies).size).toBe(3)
    expect(logged(errors, 'CACHE')).toHaveLength(1)
    expect(String(logged(errors, 'CACHE')[0][0])).toMatch(/so cached methods are served uncached until it is bound/)
  })

  it('with every binding, the same methods are served (the check refuses only what it must)', async () => {
    for (const path of ['/keyed', '/throttled', '/cached', '/plain']) expect((await get(path, env as Env)).status).toBe(200)
  })
})

describe('the start-up check', () => {
  it('knows which bindings a table needs, naming the first method that needs each', () => {
    expect(Object.fromEntries(requiredBindings(table))).toEqual({
      API_KEYS: 'GET /keyed of stage "v1" (routes/bindings.yaml)',
      THROTTLE: 'GET /throttled of stage "v1" (routes/bindings.yaml)',
      CACHE: 'GET /cached of stage "v1" (routes/bindings.yaml)',
    })
  })

  it('names each binding the Worker lacks, and none when all are bound', () => {
    const lines = missingBindings(table, (name) => name === 'API_KEYS')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^THROTTLE binding missing: the Worker has no Durable Object namespace \(class ThrottleBucket\) bound as THROTTLE, so methods with a methodSettings throttle \(first: GET \/throttled of stage "v1" \(routes\/bindings.yaml\)\) are refused with 500/)
    expect(lines[1]).toMatch(/^CACHE binding missing: .* are served uncached/)
    expect(missingBindings(table, (name) => (env as Record<string, unknown>)[name] != null)).toEqual([])
  })

  it('needs nothing for a table without keys, limits or a cache', () => {
    const plain = compileOrThrow([{ file: 'routes/plain.yaml', text: `openapi: 3.0.1\npaths:\n  /p: { get: { ${integration} } }\n` }])
    expect(requiredBindings(plain).size).toBe(0)
  })
})
