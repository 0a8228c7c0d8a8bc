import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createGateway } from '../../src/app'
import { metricsSnapshot } from '../../src/observe/metrics'
import type { Env } from '../../src/env'

const ADMIN = 'cache-admin-token'
const KEY_A = 'cache-key-a-0123456789abcdef'
const KEY_B = 'cache-key-b-0123456789abcdef'

// The mock's body carries the request id of the request that produced it: a hit shows an older one.
const echo = (extra = '') => `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            #if($input.params('q') == "missing") {"statusCode": 404} #else {"statusCode": 200} #end
        responses:
          '404': { statusCode: '404', responseTemplates: { application/json: '{"id": "$context.requestId"}' } }
          default:
            statusCode: '200'
            responseParameters: { method.response.header.x-backend: "'mock'" }
            responseTemplates: { application/json: '{"id": "$context.requestId", "q": "$input.params(''q'')", "big": "${'x'.repeat(200)}"}' }
${extra}`

const definition = (apiId: string, stage: string) => `openapi: 3.0.1
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
x-gateway:
  apiId: ${apiId}
  stages:
    dev:
${stage}
  usagePlans:
    - { name: plan-${apiId}, apiStages: [{ stage: dev }] }
  apiKeys:
    - { name: a-${apiId}, value: ${KEY_A}-${apiId}, usagePlans: [plan-${apiId}] }
    - { name: b-${apiId}, value: ${KEY_B}-${apiId}, usagePlans: [plan-${apiId}] }
paths:
  /items:
    get:
      parameters: [{ name: q, in: query }]${echo('        cacheKeyParameters: [method.request.querystring.q]')}
    post:${echo()}
  /items/{id}:
    get:
      parameters: [{ name: id, in: path, required: true }]${echo()}
  /orders:
    post:${echo()}
  /keyed:
    get:
      security: [{ api_key: [] }]
      parameters: [{ name: x-api-key, in: header }]${echo('        cacheKeyParameters: [method.request.header.x-api-key]')}
  /shared:
    get:
      security: [{ api_key: [] }]${echo()}
`

const cached = `      cacheClusterEnabled: true
      cacheStatusHeader: true
      methodSettings:
        '*/*': { cachingEnabled: true }
        '/orders/POST': { cachingEnabled: true }`

function gateway(apiId: string, stage = cached) {
  const table = compileOrThrow([{ file: `routes/${apiId}.yaml`, text: definition(apiId, stage) }])
  const app = createGateway(table)
  return async (path: string, init: RequestInit = {}, environment: Env = { ...(env as Env), GATEWAY_ADMIN_TOKEN: ADMIN }) => {
    const ctx = createExecutionContext()
    const res = await app.fetch(new Request(`http://gw${path}`, init), environment, ctx)
    const text = await res.text()
    await waitOnExecutionContext(ctx)
    return { status: res.status, headers: res.headers, text, body: text.startsWith('{') ? (JSON.parse(text) as { id: string; q?: string }) : undefined }
  }
}

const metric = (name: string, apiId: string) =>
  metricsSnapshot()
    .filter((m) => m.name === name && m.dimensions.apiId === apiId)
    .reduce((n, m) => n + m.sum, 0)

describe('the cache step', () => {
  it('serves a hit from the cache with its own request ids, Age and X-Cache, and counts hits and misses', async () => {
    const call = gateway('hits')
    // The clock is set, so Age shows exactly the seconds the entry spent in the cache.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1) })
    const first = await call('/dev/items?q=1')
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 3, 500))
    const second = await call('/dev/items?q=1').finally(() => vi.useRealTimers())
    expect(first.status).toBe(200)
    expect(first.headers.get('x-cache')).toBe('Miss')
    expect(first.headers.get('age')).toBeNull()
    expect(second.headers.get('x-cache')).toBe('Hit')
    expect(second.body).toEqual(first.body)
    expect(second.headers.get('x-backend')).toBe('mock')
    // The body holds the id of the request that filled the entry; the hit has an id of its own.
    expect(first.body!.id).toBe(first.headers.get('x-amzn-RequestId'))
    expect(second.headers.get('x-amzn-RequestId')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(second.headers.get('x-amzn-RequestId')).not.toBe(first.headers.get('x-amzn-RequestId'))
    expect(second.headers.get('age')).toBe('3')
    expect(second.headers.get('date')).toBe('Thu, 01 Jan 2026 00:00:03 GMT')
    expect(metric('CacheHitCount', 'hits')).toBe(1)
    expect(metric('CacheMissCount', 'hits')).toBe(1)
  })

  it('keys entries by the listed parameters only, so unlisted path parameters share one entry (as AWS)', async () => {
    const call = gateway('keys')
    const one = await call('/dev/items?q=1')
    expect((await call('/dev/items?q=2')).body!.id).not.toBe(one.body!.id)
    expect((await call('/dev/items?q=1&other=x')).body!.id).toBe(one.body!.id)
    const pet1 = await call('/dev/items/1')
    const pet2 = await call('/dev/items/2')
    expect(pet2.headers.get('x-cache')).toBe('Hit')
    expect(pet2.body!.id).toBe(pet1.body!.id)
  })

  it('does not cache POST unless the method enables it itself', async () => {
    const call = gateway('posts')
    const a = await call('/dev/items', { method: 'POST' })
    const b = await call('/dev/items', { method: 'POST' })
    expect(b.headers.get('x-cache')).toBeNull()
    expect(b.body!.id).not.toBe(a.body!.id)
    const o1 = await call('/dev/orders', { method: 'POST', body: 'one' })
    const o2 = await call('/dev/orders', { method: 'POST', body: 'two' })
    // The body is never part of the key.
    expect(o2.headers.get('x-cache')).toBe('Hit')
    expect(o2.body!.id).toBe(o1.body!.id)
  })

  it('stores 2xx only by default; cacheStatusCodes widens it', async () => {
    const call = gateway('statuses')
    await call('/dev/items?q=missing')
    const again = await call('/dev/items?q=missing')
    expect(again.status).toBe(404)
    expect(again.headers.get('x-cache')).toBe('Miss')
    const wide = gateway('statuses-wide', `${cached}\n      cacheStatusCodes: ['2XX', '404']`)
    await wide('/dev/items?q=missing')
    const hit = await wide('/dev/items?q=missing')
    expect(hit.status).toBe(404)
    expect(hit.headers.get('x-cache')).toBe('Hit')
  })

  it('does not store an entry over cacheMaxEntryBytes', async () => {
    const call = gateway('large', `${cached}\n      cacheMaxEntryBytes: 200`)
    const first = await call('/dev/items?q=1')
    const second = await call('/dev/items?q=1')
    expect(second.headers.get('x-cache')).toBe('Miss')
    expect(second.body!.id).not.toBe(first.body!.id)
  })

  it('keeps API keys apart when the key is a cache key parameter, and shares entries when not (as AWS)', async () => {
    const call = gateway('apikeys')
    const a = await call('/dev/keyed', { headers: { 'x-api-key': `${KEY_A}-apikeys` } })
    const b = await call('/dev/keyed', { headers: { 'x-api-key': `${KEY_B}-apikeys` } })
    expect(b.headers.get('x-cache')).toBe('Miss')
    expect(b.body!.id).not.toBe(a.body!.id)
    const sharedA = await call('/dev/shared', { headers: { 'x-api-key': `${KEY_A}-apikeys` } })
    const sharedB = await call('/dev/shared', { headers: { 'x-api-key': `${KEY_B}-apikeys` } })
    expect(sharedB.body!.id).toBe(sharedA.body!.id)
    // The key is checked before the cache: a cached entry never answers a bad key.
    expect((await call('/dev/shared', { headers: { 'x-api-key': 'not-a-key-0123456789abcdef' } })).status).toBe(403)
  })
})

describe('Cache-Control: max-age=0', () => {
  const refresh = { 'cache-control': 'max-age=0' }

  it('refreshes the entry for the admin token, and otherwise serves the cached copy with a Warning', async () => {
    const call = gateway('invalidate')
    const first = await call('/dev/items?q=1')
    const ignored = await call('/dev/items?q=1', { headers: refresh })
    expect(ignored.body!.id).toBe(first.body!.id)
    expect(ignored.headers.get('warning')).toMatch(/^199 - ".*not authorized/)
    const refreshed = await call('/dev/items?q=1', { headers: { ...refresh, authorization: `Bearer ${ADMIN}` } })
    expect(refreshed.headers.get('x-cache')).toBe('Miss')
    expect(refreshed.body!.id).not.toBe(first.body!.id)
    // The fresh response replaced the entry.
    expect((await call('/dev/items?q=1')).body!.id).toBe(refreshed.body!.id)
  })

  it('answers 403 under FAIL_WITH_403, serves silently under SUCCEED_WITHOUT_RESPONSE_HEADER', async () => {
    const strict = gateway('strict', cached.replace(`'*/*': { cachingEnabled: true }`, `'*/*': { cachingEnabled: true, unauthorizedCacheControlHeaderStrategy: FAIL_WITH_403 }`))
    await strict('/dev/items?q=1')
    const denied = await strict('/dev/items?q=1', { headers: refresh })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('x-amzn-ErrorType')).toBe('AccessDeniedException')
    const quiet = gateway('quiet', cached.replace(`'*/*': { cachingEnabled: true }`, `'*/*': { cachingEnabled: true, unauthorizedCacheControlHeaderStrategy: SUCCEED_WITHOUT_RESPONSE_HEADER }`))
    const first = await quiet('/dev/items?q=1')
    const served = await quiet('/dev/items?q=1', { headers: refresh })
    expect(served.body!.id).toBe(first.body!.id)
    expect(served.headers.get('warning')).toBeNull()
  })

  it('lets anyone refresh when requireAuthorizationForCacheControl is false', async () => {
    const open = gateway('open', cached.replace(`'*/*': { cachingEnabled: true }`, `'*/*': { cachingEnabled: true, requireAuthorizationForCacheControl: false }`))
    const first = await open('/dev/items?q=1')
    const refreshed = await open('/dev/items?q=1', { headers: { 'cache-control': 'no-store, MAX-AGE=0' } })
    expect(refreshed.body!.id).not.toBe(first.body!.id)
  })
})

describe('cache flush and store failures', () => {
  it('flushes a stage through the admin API', async () => {
    const call = gateway('flush')
    const first = await call('/dev/items?q=1')
    const flushed = await call('/_gateway/admin/stages/dev/cache', { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })
    expect(flushed.status).toBe(202)
    expect(JSON.parse(flushed.text)).toEqual({ apiId: 'flush', stage: 'dev', deleted: 1, complete: true })
    const after = await call('/dev/items?q=1')
    expect(after.headers.get('x-cache')).toBe('Miss')
    expect(after.body!.id).not.toBe(first.body!.id)
    expect((await call('/_gateway/admin/stages/prod/cache', { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(404)
    expect((await call('/_gateway/admin/stages/dev/cache', { method: 'DELETE' })).status).toBe(401)
  })

  it('asks for ?apiId= when several APIs have the stage', async () => {
    const table = compileOrThrow([
      { file: 'routes/one.yaml', text: definition('one', cached).replace('  apiId: one', '  apiId: one\n  basePath: /one') },
      { file: 'routes/two.yaml', text: definition('two', cached).replace('  apiId: two', '  apiId: two\n  basePath: /two') },
    ])
    const app = createGateway(table)
    const flush = (query: string) =>
      app.fetch(new Request(`http://gw/_gateway/admin/stages/dev/cache${query}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } }), {
        ...(env as Env),
        GATEWAY_ADMIN_TOKEN: ADMIN,
      })
    const ambiguous = await flush('')
    expect(ambiguous.status).toBe(400)
    expect(await ambiguous.json()).toEqual({ message: 'stage "dev" is in several APIs (one, two): name one with ?apiId=' })
    expect((await flush('?apiId=two')).status).toBe(202)
    expect((await flush('?apiId=three')).status).toBe(404)
  })

  it('serves from the integration when KV reads fail, and never shows a failed write to the client', async () => {
    const call = gateway('broken')
    const failing = {
      getWithMetadata: async () => {
        throw new Error('KV read exploded')
      },
      put: async () => {
        throw new Error('KV write exploded')
      },
    } as unknown as KVNamespace
    const broken = { ...(env as Env), GATEWAY_ADMIN_TOKEN: ADMIN, CACHE: failing }
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await call('/dev/items?q=kv', {}, broken)
    const messages = logged.mock.calls.map((c) => c[0])
    logged.mockRestore()
    expect(res.status).toBe(200)
    expect(res.headers.get('x-cache')).toBe('Miss')
    expect(res.body!.q).toBe('kv')
    // The failed read and the failed write, each logged and counted.
    expect(metric('CacheErrorCount', 'broken')).toBe(2)
    expect(messages).toEqual(['cache read failed; serving from the integration', 'cache write failed; the response was served uncached'])
  })
})
