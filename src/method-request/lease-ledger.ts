import type { Throttle } from '../definitions/table'

/**
 * How long a lease lasts. It bounds how late a key disabled, deleted or moved is refused
 * everywhere (docs/usage-plans.md, "Token leases"), and how long unspent tokens stay out of a bucket.
 */
export const leaseTtlMs = 500

/** Above this many asks a second, refusals are held longer: an object serves about 1,000 calls a second. */
const targetAskRate = 100

/** Named limits a lease draws on together: a request passes only if each has a token. */
export type Limits = readonly (readonly [name: string, limit: Throttle])[]

/** What a holder tells the owner of a lease it holds: tokens still unspent, and whether it is done with it. */
export interface LeaseReport {
  id: number
  unspent: number
  done: boolean
}

/**
 * A holder's request: up to `want` tokens (0: only reports), of which `forWaiting` go at once to
 * requests waiting for them (spent on arrival, so not reserved), and reports on the leases it holds.
 */
export interface LeaseAsk {
  want: number
  forWaiting: number
  reports: LeaseReport[]
}

/** The owner's answer to an ask: tokens on lease (with what the owner says about them), or a refusal the holder may repeat for `holdMs`. */
export type LeaseAnswer<Info, Refusal> = (
  /** `holdMs` when the lease emptied the bucket: once it is spent, refuse without asking for that long. */
  | { ok: true; leaseId: number; tokens: number; ttlMs: number; info: Info; holdMs?: number }
  | { ok: false; holdMs: number; refusal: Refusal }
) & {
  /** The owner's asks per second (shards.ts spills only to owners with room). */
  askRate?: number
}

/**
 * A token bucket whose unspent leased tokens still count against its size: `tokens + leased` never
 * passes `burstLimit`, so tokens held by holders and tokens in the bucket together are never more
 * than one bucket could give.
 */
interface LeasedBucket {
  tokens: number
  updatedAt: number
  leased: number
  limit: Throttle
}

interface Lease<Tag> {
  buckets: LeasedBucket[]
  /** Tokens that may still be unspent: reserved in every bucket until reported or expired. */
  tokens: number
  expiresAt: number
  expired: boolean
  /** Tokens unspent as far as known when the lease ended: a late final report may still return them to the quota. */
  unspentAtEnd: number
  tag: Tag
}

/**
 * The owner's side of token leases (the object that holds a limit): token buckets from which
 * holders (isolates) take tokens in advance, for at most `leaseTtlMs`. Every token a holder spends
 * was debited here first, and unspent tokens keep their place in the bucket until they come back or
 * the lease expires, so what all holders admit together never passes burst + rate × elapsed.
 * Times are the owner's own clock; a holder's lease ends no later than here (it counts from when
 * it asked). `Tag` is what the owner keeps with a lease (a key's quota period, say).
 * @example
 * const ledger = new LeaseLedger<void>()
 * const n = Math.min(ask.want, ledger.available(limits, now))
 * if (n > 0) ledger.lease(limits, n, n - Math.min(n, ask.forWaiting), now, undefined)
 */
export class LeaseLedger<Tag> {
  private buckets = new Map<string, LeasedBucket>()
  private leases = new Map<number, Lease<Tag>>()
  private lastId = 0
  private smoothedAskRate = 0
  private askedAt = 0
  private asksSince = 0
  /** Until then, leases of an earlier life of the owner may still be spent (see `restartedUntil`). */
  private priorLeasesUntil = 0

  constructor(private readonly ttlMs = leaseTtlMs) {}

  /**
   * After a restart, leases granted before it may still be unspent: a bucket first used before
   * `until` starts with its whole burst reserved until then, so a restart never over-admits.
   */
  restartedUntil(until: number) {
    this.priorLeasesUntil = until
  }

  /** Whole tokens every bucket can give now (called once per ask: it also measures the ask rate). */
  available(limits: Limits, now: number): number {
    this.countAsk(now)
    this.expire(now)
    let n = Infinity
    for (const [name, limit] of limits) n = Math.min(n, Math.floor(this.bucket(name, limit, now).tokens))
    return n
  }

  /** Milliseconds until every bucket can give one token by refilling (after `available`). */
  waitMs(limits: Limits): number {
    let wait = 0
    for (const [name, limit] of limits) {
      const b = this.buckets.get(name)
      if (!b || b.tokens >= 1) continue
      wait = Math.max(wait, limit.rateLimit > 0 ? ((1 - b.tokens) / limit.rateLimit) * 1000 : Infinity)
    }
    return wait
  }

  /**
   * How long a holder may repeat a refusal without asking (after `available`): until a token is
   * due, at least 20 ms (a limit under heavy overload costs a holder at most 50 asks a second), but
   * never so long that a bucket would fill and lose tokens meanwhile, and at most a lease time.
   * Tokens keep refilling during the hold and go out with the next lease: admissions move by
   * a few milliseconds, they are not lost.
   */
  holdMs(limits: Limits): number {
    let fullMs = Infinity
    for (const [name, limit] of limits) {
      const b = this.buckets.get(name)
      if (b && limit.rateLimit > 0) fullMs = Math.min(fullMs, ((limit.burstLimit - b.leased - b.tokens) / limit.rateLimit) * 1000)
    }
    // Many holders refused at once would ask faster than an object answers: the hold grows with the ask rate.
    const spread = 20 * Math.max(1, this.smoothedAskRate / targetAskRate)
    return Math.min(this.ttlMs, Math.max(this.waitMs(limits), Math.min(spread, fullMs / 2)))
  }

  /** Asks per second, smoothed over about a second. */
  private countAsk(now: number) {
    const elapsed = now - this.askedAt
    if (elapsed <= 0) {
      this.asksSince += 1
      return
    }
    const weight = 1 - Math.exp(-elapsed / 1000)
    this.smoothedAskRate += weight * (((this.asksSince + 1) * 1000) / Math.max(elapsed, 1) - this.smoothedAskRate)
    this.askedAt = now
    this.asksSince = 0
  }

  /**
   * Debits `n` tokens (at most `available`) from every bucket, of which `reserved` go into a new
   * lease (the rest are spent as they arrive); returns the lease's id.
   */
  lease(limits: Limits, n: number, reserved: number, now: number, tag: Tag): number {
    const buckets = limits.map(([name, limit]) => this.bucket(name, limit, now))
    for (const b of buckets) {
      b.tokens -= n
      b.leased += reserved
    }
    this.leases.set(++this.lastId, { buckets, tokens: reserved, expiresAt: now + this.ttlMs, expired: false, unspentAtEnd: 0, tag })
    return this.lastId
  }

  /**
   * Applies a holder's report: spent tokens leave the reservation; on `done`, unspent tokens go
   * back to the buckets (only while the lease lives: after expiry they are void anyway). Returns
   * the lease's tag and the tokens it gave back unspent, or undefined for a lease this owner does
   * not know (granted before a restart, or long gone).
   */
  report({ id, unspent, done }: LeaseReport, now: number): { tag: Tag; unspent: number } | undefined {
    this.expire(now)
    const lease = this.leases.get(id)
    if (!lease) return undefined
    const left = Math.max(0, Math.min(unspent, lease.expired ? lease.unspentAtEnd : lease.tokens))
    if (!lease.expired && done) {
      this.release(lease, lease.tokens, now)
      for (const b of lease.buckets) b.tokens += left
    } else if (!lease.expired) {
      this.release(lease, lease.tokens - left, now)
    }
    if (done) this.leases.delete(id)
    return { tag: lease.tag, unspent: done ? left : 0 }
  }

  /** Tokens still reserved by live leases whose tag passes `match` (leased, not yet reported spent). */
  reserved(match: (tag: Tag) => boolean, now: number): number {
    this.expire(now)
    let n = 0
    for (const lease of this.leases.values()) if (!lease.expired && match(lease.tag)) n += lease.tokens
    return n
  }

  /** Asks per second, smoothed over about a second: how busy the owner is. */
  get askRate(): number {
    return this.smoothedAskRate
  }

  /** Leases still outstanding (for tests and stats). */
  get outstanding(): number {
    let n = 0
    for (const lease of this.leases.values()) if (!lease.expired) n += 1
    return n
  }

  /**
   * Ends leases past their time, in the order they end: each bucket is first brought up to the
   * moment with the reservation it had then, so a late look never refills more than the bucket
   * could have. Expired leases are kept a further ttl, so a holder's late `done` report can still
   * return quota (its tokens no longer return to buckets).
   */
  private expire(now: number) {
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt > now) break
      if (!lease.expired) {
        lease.unspentAtEnd = lease.tokens
        this.release(lease, lease.tokens, lease.expiresAt)
        lease.expired = true
      }
      if (lease.expiresAt + this.ttlMs <= now) this.leases.delete(id)
    }
  }

  private release(lease: Lease<Tag>, n: number, at: number) {
    if (n <= 0) return
    for (const b of lease.buckets) {
      refill(b, at)
      b.leased -= n
    }
    lease.tokens -= n
  }

  private bucket(name: string, limit: Throttle, now: number): LeasedBucket {
    let b = this.buckets.get(name)
    if (!b) {
      b = { tokens: limit.burstLimit, updatedAt: now, leased: 0, limit }
      this.buckets.set(name, b)
      if (now < this.priorLeasesUntil) this.reservePriorLeases(b)
    } else if (b.limit.burstLimit !== limit.burstLimit || b.limit.rateLimit !== limit.rateLimit) {
      // A redeploy changed the limit: refill at the old one up to now, then hold to the new size.
      refill(b, now)
      b.limit = limit
      b.tokens = Math.min(b.tokens, Math.max(0, limit.burstLimit - b.leased))
    }
    refill(b, now)
    return b
  }

  /** A bucket created while leases from before a restart may be unspent starts with them reserved. */
  private reservePriorLeases(b: LeasedBucket) {
    const n = b.tokens
    b.tokens = 0
    b.leased = n
    // Held like any lease; expiry order is kept because a prior life's leases end before any new one.
    const prior: Lease<Tag> = { buckets: [b], tokens: n, expiresAt: this.priorLeasesUntil, expired: false, unspentAtEnd: 0, tag: undefined as Tag }
    const entries: [number, Lease<Tag>][] = [[++this.lastId, prior], ...this.leases]
    this.leases = new Map(entries.sort(([, a], [, c]) => a.expiresAt - c.expiresAt))
  }
}

/** Brings a bucket up to `at`: it refills at its rate up to its size less what is out on lease. */
function refill(b: LeasedBucket, at: number) {
  const elapsed = Math.max(0, at - b.updatedAt) / 1000
  const room = b.limit.burstLimit - b.leased
  b.tokens = Math.max(b.tokens, Math.min(room, b.tokens + elapsed * b.limit.rateLimit))
  b.updatedAt = Math.max(b.updatedAt, at)
}

/** A single bucket's refusal: seconds until a token (Retry-After). */
export type StageRefusal = { retryAfter: number }

/**
 * One bucket's answer to an ask (a stage method's `ThrottleBucket`): the holder's reports applied,
 * then up to `want` tokens, or a refusal with the time until a token.
 * @example leaseFromBucket(ledger, { rateLimit: 100, burstLimit: 200 }, { want: 1, forWaiting: 1, reports: [] }, Date.now())
 */
export function leaseFromBucket(ledger: LeaseLedger<undefined>, limit: Throttle, ask: LeaseAsk, now: number): LeaseAnswer<undefined, StageRefusal> {
  for (const report of ask.reports) ledger.report(report, now)
  const limits: Limits = [['bucket', limit]]
  const available = ledger.available(limits, now)
  const askRate = Math.round(ledger.askRate)
  if (available < 1) {
    const waitMs = ledger.waitMs(limits)
    return { ok: false, holdMs: ledger.holdMs(limits), refusal: { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) }, askRate }
  }
  const tokens = Math.min(ask.want, available)
  const leaseId = tokens > 0 ? ledger.lease(limits, tokens, tokens - Math.min(tokens, ask.forWaiting), now, undefined) : 0
  const emptied = tokens < ask.want ? { holdMs: ledger.holdMs(limits) } : {}
  return { ok: true, leaseId, tokens, ttlMs: leaseTtlMs, info: undefined, askRate, ...emptied }
}
