import { describe, expect, it } from 'vitest'
import { fullBucket, refill, secondsUntilAll, takeAll } from '../../src/method-request/token-bucket'
import { periodEnd, periodStart } from '../../src/method-request/quota-period'

const limit = { rateLimit: 10, burstLimit: 5 }

describe('token bucket', () => {
  it('admits a burst, then refuses until a token refills', () => {
    const b = fullBucket(limit, 0)
    for (let i = 0; i < 5; i++) expect(takeAll([[b, limit]], 0).ok).toBe(true)
    expect(takeAll([[b, limit]], 0)).toEqual({ ok: false, retryAfter: 0.1 })
    expect(takeAll([[b, limit]], 100).ok).toBe(true)
  })

  it('never holds more than the burst', () => {
    const b = fullBucket(limit, 0)
    refill(b, limit, 60_000)
    expect(b.tokens).toBe(5)
  })

  it('takes from every bucket or from none', () => {
    const roomy = fullBucket({ rateLimit: 100, burstLimit: 100 }, 0)
    const tight = fullBucket({ rateLimit: 1, burstLimit: 1 }, 0)
    const both: Parameters<typeof takeAll>[0] = [
      [roomy, { rateLimit: 100, burstLimit: 100 }],
      [tight, { rateLimit: 1, burstLimit: 1 }],
    ]
    expect(takeAll(both, 0).ok).toBe(true)
    expect(takeAll(both, 0).ok).toBe(false)
    expect(roomy.tokens).toBe(99)
  })

  it('says how long until every bucket has a token, taking none', () => {
    const empty = fullBucket({ rateLimit: 2, burstLimit: 1 }, 0)
    const full = fullBucket(limit, 0)
    takeAll([[empty, { rateLimit: 2, burstLimit: 1 }]], 0)
    const both: Parameters<typeof secondsUntilAll>[0] = [
      [full, limit],
      [empty, { rateLimit: 2, burstLimit: 1 }],
    ]
    expect(secondsUntilAll(both, 0)).toBe(0.5)
    expect(secondsUntilAll(both, 250)).toBe(0.25)
    expect(full.tokens).toBe(5)
    expect(secondsUntilAll(both, 500)).toBe(0)
  })

  it('refuses everything at a rate and burst of 0', () => {
    const zero = { rateLimit: 0, burstLimit: 0 }
    expect(takeAll([[fullBucket(zero, 0), zero]], 10_000)).toEqual({ ok: false, retryAfter: Infinity })
  })
})

describe('quota periods', () => {
  const at = Date.UTC(2026, 10, 26, 15, 30) // Thursday 26 Nov 2026
  it('starts a DAY at UTC midnight', () => {
    const q = { limit: 1, period: 'DAY' as const, offset: 0 }
    expect(new Date(periodStart(q, at)).toISOString()).toBe('2026-11-26T00:00:00.000Z')
    expect(new Date(periodEnd(q, at)).toISOString()).toBe('2026-11-27T00:00:00.000Z')
  })
  it('starts a WEEK on the offset weekday (0 = Sunday)', () => {
    expect(new Date(periodStart({ limit: 1, period: 'WEEK', offset: 0 }, at)).toISOString()).toBe('2026-11-22T00:00:00.000Z')
    expect(new Date(periodStart({ limit: 1, period: 'WEEK', offset: 1 }, at)).toISOString()).toBe('2026-11-23T00:00:00.000Z')
    expect(new Date(periodStart({ limit: 1, period: 'WEEK', offset: 5 }, at)).toISOString()).toBe('2026-11-20T00:00:00.000Z')
  })
  it('starts a MONTH on day offset + 1', () => {
    const q = { limit: 1, period: 'MONTH' as const, offset: 0 }
    expect(new Date(periodStart(q, at)).toISOString()).toBe('2026-11-01T00:00:00.000Z')
    expect(new Date(periodEnd(q, at)).toISOString()).toBe('2026-12-01T00:00:00.000Z')
    expect(new Date(periodStart({ ...q, offset: 27 }, at)).toISOString()).toBe('2026-10-28T00:00:00.000Z')
  })
})
