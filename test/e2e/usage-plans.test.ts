import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningGateway } from './helpers/gateway'
import type { Backend } from './helpers/backend'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'

const ADMIN = 'e2e-admin-token'
const ENV_KEY = 'partner-key-from-env-0123456789'
let fixture: Fixture
let gateway: RunningGateway
let backend: Backend

const api = (port: number) => `openapi: 3.0.1
info: { title: metered, version: '1' }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
x-gateway:
  stages:
    live: { rateLimitHeaders: true }
  usagePlans:
    - name: burst20
      apiStages: [{ stage: live }]
      throttle: { rateLimit: 5, burstLimit: 20 }
    - name: daily3
      apiStages: [{ stage: live }]
      quota: { limit: 3, period: DAY }
    - name: per-method
      apiStages:
        - stage: live
          throttle:
            /slow/GET: { rateLimit: 0.001, burstLimit: 2 }
            /fast/GET: { rateLimit: 100, burstLimit: 40 }
  apiKeys:
    - { name: partner, valueFrom: PARTNER_KEY, usagePlans: [daily3] }
paths:
  /data/{proxy+}:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}/{proxy}
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
  /slow:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/slow' }
  /fast:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/fast' }
`

beforeAll(async () => {
  fixture = await serveWithBackend((port) => ({ 'metered.yaml': api(port) }), {}, { GATEWAY_ADMIN_TOKEN: ADMIN, PARTNER_KEY: ENV_KEY })
  ;({ gateway, backend } = fixture)
}, 90_000)

afterAll(() => fixture?.stop())

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await rawRequest(gateway.url, {
    method,
    path: `/_gateway/admin${path}`,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  })
  return { status: res.status, json: res.text ? JSON.parse(res.text) : undefined }
}
const call = (key?: string) => rawRequest(gateway.url, { path: '/live/data/x', headers: key ? { 'x-api-key': key } : {} })

describe('usage plans over gateway serve', () => {
  it('admits the burst (20) of 64 concurrent requests on one key plus what refills meanwhile, never more', async () => {
    const { status, json: key } = await admin('POST', '/apikeys', { name: 'load', usagePlans: ['burst20'] })
    expect(status).toBe(201)
    const started = Date.now()
    const statuses = (await Promise.all(Array.from({ length: 64 }, () => call(key.value)))).map((r) => r.status)
    const elapsed = (Date.now() - started) / 1000
    const admitted = statuses.filter((s) => s === 200).length
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true)
    // Burst 20, refill 5/s: no over-admission, and at most 5% under the burst.
    expect(admitted).toBeLessThanOrEqual(Math.floor(20 + 5 * elapsed))
    expect(admitted).toBeGreaterThanOrEqual(19)
  })

  it("gives each method of a plan's apiStages throttle its own bucket at its own limit", async () => {
    const { json: key } = await admin('POST', '/apikeys', { name: 'two-methods', usagePlans: ['per-method'] })
    const get = (path: string) => rawRequest(gateway.url, { path, headers: { 'x-api-key': key.value } }).then((r) => r.status)
    // /slow/GET: burst 2, the next token ~17 minutes away.
    const slow = await Promise.all(Array.from({ length: 6 }, () => get('/live/slow')))
    expect(slow.filter((s) => s === 200)).toHaveLength(2)
    expect(slow.filter((s) => s === 429)).toHaveLength(4)
    // /fast/GET still has its own burst of 40 (one shared bucket would be empty by now).
    const fast = await Promise.all(Array.from({ length: 30 }, () => get('/live/fast')))
    expect(fast.every((s) => s === 200)).toBe(true)
    expect(await get('/live/slow')).toBe(429)
  })

  it('refuses a key revoked through the admin API on the next request', async () => {
    const { json: key } = await admin('POST', '/apikeys', { name: 'revoke-me', usagePlans: ['burst20'] })
    expect((await call(key.value)).status).toBe(200)
    expect((await admin('DELETE', `/apikeys/${key.id}`)).status).toBe(204)
    const res = await call(key.value)
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({ message: 'Forbidden' })
  })

  it('refuses a hot key revoked through the admin API everywhere within a second, though it held a lease', async () => {
    const { json: key } = await admin('POST', '/apikeys', { name: 'hot-revoke', usagePlans: ['per-method'] })
    const get = () => rawRequest(gateway.url, { path: '/live/fast', headers: { 'x-api-key': key.value } }).then((r) => r.status)
    // Eight callers in a loop make the key hot: its isolate leases tokens ahead.
    const hot = await Promise.all(Array.from({ length: 8 }, async () => { const s = []; for (let i = 0; i < 5; i++) s.push(await get()); return s }))
    expect(hot.flat().filter((s) => s === 200).length).toBeGreaterThan(0)
    expect((await admin('DELETE', `/apikeys/${key.id}`)).status).toBe(204)
    await new Promise((r) => setTimeout(r, 1000))
    const after = await Promise.all(Array.from({ length: 20 }, get))
    expect(after).toEqual(Array(20).fill(403))
  })

  it('reads a defined key from the environment and stops it at its daily quota', async () => {
    const results = []
    for (let i = 0; i < 4; i++) results.push(await call(ENV_KEY))
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429])
    expect(JSON.parse(results[3].text)).toEqual({ message: 'Limit Exceeded' })
    expect(results[2].headers['ratelimit-remaining']).toBe('0')
    expect(Number(results[3].headers['retry-after'])).toBeGreaterThan(0)
    const { json: list } = await admin('GET', '/apikeys')
    const partner = list.items.find((k: { name: string }) => k.name === 'partner')
    const { json: usage } = await admin('GET', `/usageplans/daily3/usage?keyId=${partner.id}`)
    expect(usage).toMatchObject({ used: 3, remaining: 0, limit: 3, period: 'DAY' })
  })

  it('answers a missing key with 403 and never reaches the backend', async () => {
    const before = backend.received.length
    expect((await call()).status).toBe(403)
    expect(backend.received.length).toBe(before)
  })
})
