import { env, runInDurableObject } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Env } from '../../src/env'
import type { AdmitTerms, ApiKeyObject, KeyLeaseAnswer, KeyLeaseInfo, KeyRefusal, PlanLimits } from '../../src/durable/api-key-object'

const ns = (env as Env).API_KEYS!
const object = (name: string) => ns.get(ns.idFromName(name))
const seed = { id: 'k1', name: 'k', enabled: true, usagePlans: ['p'] }
// The object decides at the time it is given, so every bound below is exact.
const t0 = Date.UTC(2026, 10, 26, 12)

type AdmitResult = ({ ok: true } & KeyLeaseInfo) | ({ ok: false } & KeyRefusal)

/** Sets the object's clock (it decides by its own). */
const setClock = (key: ReturnType<typeof object>, now: number) => runInDurableObject(key, (instance: ApiKeyObject) => void (instance.clock = () => now))

/** What production sends: the terms as JSON text; `want` tokens to hold (none for a waiting request), with reports. */
async function lease(key: ReturnType<typeof object>, now: number, terms: AdmitTerms, want: number, reports: { id: number; unspent: number; done: boolean }[] = [], forWaiting = 0) {
  await setClock(key, now)
  return (await key.lease(JSON.stringify(terms), { want, forWaiting, reports })) as unknown as KeyLeaseAnswer
}
/** One request, as a slow key's holder asks for it: one token, for the request waiting. */
const admit = async (key: ReturnType<typeof object>, now: number, terms: AdmitTerms): Promise<AdmitResult> => {
  const answer = await lease(key, now, terms, 1, [], 1)
  return answer.ok ? { ok: true, ...answer.info } : { ok: false, ...answer.refusal }
}
const statuses = (results: AdmitResult[]) => results.map((r) => (r.ok ? 'ok' : r.reason))

afterEach(() => vi.restoreAllMocks())

describe('ApiKeyObject', () => {
  it('admits exactly the burst of 200 concurrent requests, then the rate as time passes', async () => {
    const plans: PlanLimits[] = [{ name: 'p', throttle: { rateLimit: 10, burstLimit: 20 } }]
    const key = object('concurrency')
    const burst = await Promise.all(Array.from({ length: 200 }, () => admit(key, t0, { plans, seed })))
    expect(burst.filter((r) => r.ok)).toHaveLength(20)
    expect(burst.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'THROTTLED')).toBe(true)
    // One second later: ten tokens, no more.
    const later = await Promise.all(Array.from({ length: 50 }, () => admit(key, t0 + 1000, { plans, seed })))
    expect(later.filter((r) => r.ok)).toHaveLength(10)
  })

  it('gives each method of a plan its own bucket, at its own limit', async () => {
    const plan = (bucket: string, rateLimit: number, burstLimit: number): PlanLimits[] => [
      { name: 'p', methodThrottle: { bucket, limit: { rateLimit, burstLimit } } },
    ]
    const slow = plan('api/live/a/GET', 1, 1)
    const fast = plan('api/live/b/GET', 100, 100)
    const key = object('per-method')
    expect(statuses([await admit(key, t0, { plans: slow, seed }), await admit(key, t0, { plans: slow, seed })])).toEqual(['ok', 'THROTTLED'])
    // /a is empty; /b still has its whole burst of 100.
    const b = await Promise.all(Array.from({ length: 120 }, () => admit(key, t0, { plans: fast, seed })))
    expect(b.filter((r) => r.ok)).toHaveLength(100)
    // /a refills at its own 1/s.
    expect((await admit(key, t0 + 1000, { plans: slow, seed })).ok).toBe(true)
  })

  it('holds the plan throttle across all its methods while each method keeps its own', async () => {
    const throttle = { rateLimit: 1, burstLimit: 3 }
    const method = (bucket: string): PlanLimits[] => [{ name: 'p', throttle, methodThrottle: { bucket, limit: { rateLimit: 1, burstLimit: 2 } } }]
    const key = object('plan-and-method')
    const results = []
    for (const bucket of ['api/live/a/GET', 'api/live/a/GET', 'api/live/a/GET', 'api/live/b/GET', 'api/live/b/GET']) {
      results.push(await admit(key, t0, { plans: method(bucket), seed }))
    }
    // /a: two (its own burst); /b: one more, then the plan's burst of 3 is spent.
    expect(statuses(results)).toEqual(['ok', 'ok', 'THROTTLED', 'ok', 'THROTTLED'])
  })

  it('counts the quota exactly under concurrency', async () => {
    const quota = { limit: 50, period: 'DAY' as const, offset: 0 }
    const key = object('quota-concurrency')
    const results = await Promise.all(Array.from({ length: 120 }, () => admit(key, t0, { plans: [{ name: 'p', quota }], seed })))
    expect(results.filter((r) => r.ok)).toHaveLength(50)
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'QUOTA_EXCEEDED')).toBe(true)
    expect(await key.usage('p', quota, t0)).toMatchObject({ used: 50, remaining: 0, limit: 50 })
    // The next UTC day starts from zero.
    expect(await key.usage('p', quota, t0 + 86_400_000)).toMatchObject({ used: 0, remaining: 50 })
  })

  it('counts a throttled request against no quota, and a request over quota takes no token', async () => {
    const plans: PlanLimits[] = [{ name: 'p', throttle: { rateLimit: 1, burstLimit: 2 }, quota: { limit: 1, period: 'DAY', offset: 0 } }]
    const key = object('refusals-cost-nothing')
    const first = await admit(key, t0, { plans, seed })
    expect(first).toMatchObject({ ok: true, limit: 1, remaining: 0, resetSeconds: 12 * 3600 })
    const overQuota = await admit(key, t0, { plans, seed })
    expect(overQuota).toMatchObject({ ok: false, reason: 'QUOTA_EXCEEDED', retryAfter: 12 * 3600, remaining: 0 })
    // Had the refused request taken a token, the bucket (burst 2) would be empty now.
    const throttled = await admit(key, t0, { plans: [{ name: 'p', throttle: plans[0].throttle }], seed })
    expect(throttled.ok).toBe(true)
    expect(await admit(key, t0, { plans: [{ name: 'p', throttle: plans[0].throttle }], seed })).toMatchObject({ ok: false, reason: 'THROTTLED', retryAfter: 1 })
    expect(await key.usage('p', plans[0].quota!, t0)).toMatchObject({ used: 1 })
  })

  it('leases up to what every bucket and the quota can give, and takes back what comes back unspent', async () => {
    const quota = { limit: 100, period: 'DAY' as const, offset: 0 }
    const plans: PlanLimits[] = [{ name: 'p', throttle: { rateLimit: 10, burstLimit: 30 }, quota }]
    const key = object('leases')
    const first = await lease(key, t0, { plans, seed }, 50)
    // The burst (30) is the smaller bound: all of it, debited from the quota up front.
    expect(first).toMatchObject({ ok: true, tokens: 30, info: { keyId: 'k1', plan: 'p', remaining: 70 } })
    expect(await key.usage('p', quota, t0)).toMatchObject({ used: 30 })
    // Nothing left until the bucket refills: refused with the wait, and a short hold.
    const refused = await lease(key, t0, { plans, seed }, 1)
    expect(refused).toMatchObject({ ok: false, refusal: { reason: 'THROTTLED', retryAfter: 1 } })
    expect(!refused.ok && refused.holdMs).toBe(100)
    // The holder spent 10 and returns 20: they go back to the bucket and the quota.
    const id = first.ok ? first.leaseId : 0
    const again = await lease(key, t0, { plans, seed }, 25, [{ id, unspent: 20, done: true }])
    expect(again).toMatchObject({ ok: true, tokens: 20 })
    expect(await key.usage('p', quota, t0)).toMatchObject({ used: 30 })
  })

  it('sets the quota left with tokens out on lease still counted: spent ones come off it, returned ones go back', async () => {
    const quota = { limit: 100, period: 'DAY' as const, offset: 0 }
    const plans: PlanLimits[] = [{ name: 'p', quota }]
    const key = object('update-usage-mid-lease')
    const first = await lease(key, t0, { plans, seed }, 10)
    expect(first).toMatchObject({ ok: true, tokens: 10 })
    await setClock(key, t0 + 1)
    expect(await key.setRemaining('p', quota, 0, t0 + 1)).toMatchObject({ used: 110, remaining: 0 })
    // The holder spent 4 of its 10 after the update and returns 6: the key has none left, not 6.
    const id = first.ok ? first.leaseId : 0
    expect(await lease(key, t0 + 2, { plans, seed }, 1, [{ id, unspent: 6, done: true }])).toMatchObject({ ok: false, refusal: { reason: 'QUOTA_EXCEEDED' } })
    expect(await key.usage('p', quota, t0 + 2)).toMatchObject({ used: 104, remaining: 0 })
    // With no lease out, the figure is the one set.
    await setClock(key, t0 + 3)
    expect(await key.setRemaining('p', quota, 2, t0 + 3)).toMatchObject({ used: 98, remaining: 2 })
    expect(statuses([await admit(key, t0 + 4, { plans, seed }), await admit(key, t0 + 4, { plans, seed }), await admit(key, t0 + 4, { plans, seed })])).toEqual(['ok', 'ok', 'QUOTA_EXCEEDED'])
  })

  it('returns to the quota what a lease held unspent when the final report comes after the lease ended', async () => {
    const quota = { limit: 100, period: 'DAY' as const, offset: 0 }
    const plans: PlanLimits[] = [{ name: 'p', quota }]
    const key = object('late-final-report')
    const first = await lease(key, t0, { plans, seed }, 10)
    const id = first.ok ? first.leaseId : 0
    // 3 spent (reported while the lease lived), 7 unspent; the holder's timer reports them just after the end.
    expect(await lease(key, t0 + 100, { plans, seed }, 0, [{ id, unspent: 7, done: false }])).toMatchObject({ ok: true, tokens: 0 })
    expect(await lease(key, t0 + 510, { plans, seed }, 0, [{ id, unspent: 7, done: true }])).toMatchObject({ ok: true, tokens: 0 })
    expect(await key.usage('p', quota, t0 + 510)).toMatchObject({ used: 3 })
    // Said twice, it counts once; more than the lease held is never credited.
    await lease(key, t0 + 520, { plans, seed }, 0, [{ id, unspent: 7, done: true }])
    const second = await lease(key, t0 + 600, { plans, seed }, 2)
    const other = second.ok ? second.leaseId : 0
    await lease(key, t0 + 1200, { plans, seed }, 0, [{ id: other, unspent: 50, done: true }])
    expect(await key.usage('p', quota, t0 + 1200)).toMatchObject({ used: 3 })
  })

  it('keeps unspent leased tokens out of the bucket until they are reported or the lease ends', async () => {
    const plans: PlanLimits[] = [{ name: 'p', throttle: { rateLimit: 100, burstLimit: 10 } }]
    const key = object('reserved')
    const first = await lease(key, t0, { plans, seed }, 10)
    expect(first).toMatchObject({ ok: true, tokens: 10 })
    // 200 ms would refill 20 tokens, but all 10 may still be unspent: the bucket stays empty.
    expect(await lease(key, t0 + 200, { plans, seed }, 10)).toMatchObject({ ok: false, refusal: { reason: 'THROTTLED' } })
    // The holder says 9 were spent: they leave the reservation, and the bucket refills from then on, up to 9.
    const id = first.ok ? first.leaseId : 0
    expect(await lease(key, t0 + 300, { plans, seed }, 10, [{ id, unspent: 1, done: false }])).toMatchObject({ ok: false })
    expect(await lease(key, t0 + 350, { plans, seed }, 10)).toMatchObject({ ok: true, tokens: 5 })
    // Both leases have ended by t0 + 850: whatever they held unspent is void, and the bucket is whole again.
    expect(await lease(key, t0 + 1000, { plans, seed }, 10)).toMatchObject({ ok: true, tokens: 10 })
  })

  it('refuses a new lease for a key disabled meanwhile, whatever is still out on lease', async () => {
    const plans: PlanLimits[] = [{ name: 'p' }]
    const key = object('disabled-mid-lease')
    expect(await lease(key, t0, { plans, seed }, 100)).toMatchObject({ ok: true, tokens: 100, ttlMs: 500 })
    await key.putRecord({ ...seed, enabled: false })
    expect(await lease(key, t0 + 1, { plans, seed }, 100)).toEqual({ ok: false, holdMs: 0, refusal: { reason: 'INVALID_API_KEY' } })
  })

  it('writes quota counts to storage within a second or so', async () => {
    const quota = { limit: 10, period: 'DAY' as const, offset: 0 }
    const key = object('quota-flush')
    for (let i = 0; i < 3; i++) expect((await admit(key, Date.now(), { plans: [{ name: 'p', quota }], seed })).ok).toBe(true)
    const stored = () => runInDurableObject(key, (_, state) => state.storage.get<{ used: number }>('quota:p'))
    const deadline = Date.now() + 10_000
    while (!(await stored()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(await stored()).toMatchObject({ used: 3 })
  }, 15_000)

  it('logs a quota write that fails and goes on deciding by the count in memory', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    // SQLite refuses a storage key this long (SQLITE_TOOBIG): a real write failure.
    const name = 'p'.repeat(3_000_000)
    const plans: PlanLimits[] = [{ name, quota: { limit: 3, period: 'DAY', offset: 0 } }]
    const key = object('quota-flush-fails')
    const now = Date.now()
    const terms = { plans, seed: { ...seed, usagePlans: [name] } }
    expect((await admit(key, now, terms)).ok).toBe(true)
    const deadline = Date.now() + 10_000
    while (!errors.mock.calls.some(([m]) => String(m).includes('were not written')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(errors.mock.calls.find(([m]) => String(m).includes('were not written'))?.[0]).toMatch(/^ApiKeyObject: quota counts of usage plan\(s\) p{64}… were not written; retrying/)
    expect(statuses([await admit(key, now, terms), await admit(key, now, terms), await admit(key, now, terms)])).toEqual(['ok', 'ok', 'QUOTA_EXCEEDED'])
  }, 15_000)

  it('refuses a revoked key on the very next request', async () => {
    const plans: PlanLimits[] = [{ name: 'p' }]
    const key = object('revoked')
    expect((await admit(key, t0, { plans, seed })).ok).toBe(true)
    await key.putRecord({ ...seed, enabled: false })
    expect(await admit(key, t0, { plans, seed })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
    await key.clearRecord()
    expect((await admit(key, t0, { plans, seed })).ok).toBe(true)
    await key.putRecord(null)
    expect(await admit(key, t0, { plans, seed })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
  })

  it('knows no key it was never told about, and no key on none of the plans offered', async () => {
    expect(await admit(object('stranger'), t0, { plans: [{ name: 'p' }] })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
    expect(await admit(object('elsewhere'), t0, { plans: [{ name: 'other' }], seed })).toEqual({ ok: false, reason: 'INVALID_API_KEY' })
  })
})
