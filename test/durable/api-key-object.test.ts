import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env'
import type { AdmitResult, PlanLimits } from '../../src/durable/api-key-object'

const ns = (env as Env).API_KEYS!
const object = (name: string) => ns.get(ns.idFromName(name))
const seed = { id: 'k1', name: 'k', enabled: true, usagePlans: ['p'] }

describe('ApiKeyObject', () => {
  it('never over-admits 200 concurrent requests, and admits at least the burst', async () => {
    const burst = 20
    const rate = 10
    const plans: PlanLimits[] = [{ name: 'p', throttle: { rateLimit: rate, burstLimit: burst } }]
    const key = object('concurrency')
    const started = Date.now()
    const results = (await Promise.all(
      Array.from({ length: 200 }, () => key.admit({ now: Date.now(), plans, seed })),
    )) as unknown as AdmitResult[]
    const elapsed = (Date.now() - started) / 1000
    const admitted = results.filter((r) => r.ok).length
    expect(admitted).toBeGreaterThanOrEqual(burst)
    expect(admitted).toBeLessThanOrEqual(Math.floor(burst + rate * elapsed) + 1)
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'THROTTLED')).toBe(true)
  })

  it('counts the quota exactly under concurrency', async () => {
    const plans: PlanLimits[] = [{ name: 'p', quota: { limit: 50, period: 'DAY', offset: 0 } }]
    const key = object('quota-concurrency')
    const results = (await Promise.all(Array.from({ length: 120 }, () => key.admit({ now: Date.now(), plans, seed })))) as unknown as AdmitResult[]
    expect(results.filter((r) => r.ok).length).toBe(50)
    const usage = await key.usage('p', plans[0].quota!, Date.now())
    expect(usage).toMatchObject({ used: 50, remaining: 0, limit: 50 })
  })

  it('refuses a revoked key on the very next request', async () => {
    const plans: PlanLimits[] = [{ name: 'p' }]
    const key = object('revoked')
    expect(((await key.admit({ now: Date.now(), plans, seed })) as AdmitResult).ok).toBe(true)
    await key.putRecord({ ...seed, enabled: false })
    expect(await key.admit({ now: Date.now(), plans, seed })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
    await key.clearRecord()
    expect(((await key.admit({ now: Date.now(), plans, seed })) as AdmitResult).ok).toBe(true)
    await key.putRecord(null)
    expect(await key.admit({ now: Date.now(), plans, seed })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
  })

  it('knows no key it was never told about', async () => {
    expect(await object('stranger').admit({ now: Date.now(), plans: [{ name: 'p' }] })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
  })
})
