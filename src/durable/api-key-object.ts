import { DurableObject } from 'cloudflare:workers'
import type { Quota, Throttle } from '../definitions/table'
import { periodEnd, periodStart } from '../method-request/quota-period'
import { LeaseLedger, leaseTtlMs, type LeaseAsk } from '../method-request/lease-ledger'
import type { LeaseAnswer } from '../method-request/lease-holder'
import { leaseHorizon } from './lease-horizon'

const quotaFlushMs = 1000

/** What the gateway knows about a key: from `x-gateway.apiKeys`, or written by the control plane. */
export interface KeyRecord {
  id: string
  name: string
  enabled: boolean
  usagePlans: string[]
}

/** A usage plan as it applies to one method of one stage. */
export interface PlanLimits {
  name: string
  throttle?: Throttle
  /**
   * The plan's `apiStages[].throttle["/path/METHOD"]`, when set, with the bucket it fills:
   * one per API, stage and method (`{apiId}/{stage}/path/METHOD`), so each method keeps its own rate.
   */
  methodThrottle?: { bucket: string; limit: Throttle }
  quota?: Quota
}

/** What a request of one method asks of the key: the plans covering the method's stage, and the key's definition. */
export interface AdmitTerms {
  /** The plans covering this API stage; the key's own plan links pick among them. */
  plans: PlanLimits[]
  /** The key's definition, for keys declared in routes/ (the control plane may override it). */
  seed?: KeyRecord
}

/** What a lease of a key carries to the isolate: the key's id, its plan, and the quota figures after the lease. */
export interface KeyLeaseInfo {
  keyId: string
  plan: string
  limit?: number
  /** Quota left once the whole lease is spent; the isolate adds what it still holds. */
  remaining?: number
  resetSeconds?: number
}

/** A key's refusal: AWS's 403, or 429 with seconds until a token or the next quota period. */
export type KeyRefusal =
  | { reason: 'INVALID_API_KEY' }
  | { reason: 'THROTTLED' | 'QUOTA_EXCEEDED'; retryAfter: number; limit?: number; remaining?: number; resetSeconds?: number }

export type KeyLeaseAnswer = LeaseAnswer<KeyLeaseInfo, KeyRefusal>

export interface QuotaUsage {
  used: number
  remaining: number
  limit: number
  periodStart: string
  periodEnd: string
}

type QuotaCount = { period: number; used: number }
/** Kept with a lease that debited a quota: unspent tokens returned within the period go back to it. */
type QuotaTag = { plan: string; period: number } | undefined

/**
 * One API key: its record, its token buckets and quota counters. Every decision for the key
 * — valid, enabled, on a plan for this stage, within rate, burst and quota — happens in one
 * synchronous step of this single-threaded object, and what it admits it lends to isolates as
 * token leases (docs/usage-plans.md), debited from every bucket and the quota first, so
 * concurrent requests in any number of isolates never over-admit.
 */
export class ApiKeyObject extends DurableObject {
  /** The object's own clock: one clock decides every isolate's tokens (tests replace it). */
  clock: () => number = Date.now
  private ledger = new LeaseLedger<QuotaTag>()
  private horizon = leaseHorizon(this.ctx.storage, this.ledger as LeaseLedger<unknown>)
  /** undefined: no control-plane override (the definition applies); null: deleted. */
  private override: KeyRecord | null | undefined
  private quotas = new Map<string, QuotaCount>()
  private dirty = new Set<string>()
  private terms = new Map<string, AdmitTerms>()
  private flushing: ReturnType<typeof setTimeout> | undefined

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    // State is read once; afterwards every decision is synchronous and in memory.
    ctx.blockConcurrencyWhile(async () => {
      this.override = await ctx.storage.get<KeyRecord | null>('override')
      for (const [key, value] of await ctx.storage.list<QuotaCount>({ prefix: 'quota:' })) {
        this.quotas.set(key.slice('quota:'.length), value)
      }
      await this.horizon.restore()
    })
  }

  /**
   * Up to `ask.want` admissions on lease for one stage method's terms, after the holder's reports.
   * The terms come as JSON text: the gateway sends the same text for every request of a method, so
   * it is parsed once here and the call carries one string instead of an object graph. Buckets
   * live in memory (a restarted object starts full, less what earlier leases may still spend).
   * @example await keyObject(env, value).lease('{"plans":[{"name":"gold"}]}', { want: 1, forWaiting: 1, reports: [] })
   */
  lease(terms: string, ask: LeaseAsk): KeyLeaseAnswer {
    let parsed = this.terms.get(terms)
    if (!parsed) {
      if (this.terms.size >= 64) this.terms.clear()
      this.terms.set(terms, (parsed = JSON.parse(terms) as AdmitTerms))
    }
    const now = this.clock()
    for (const report of ask.reports) this.returnUnspent(report, now)
    return this.decide(parsed, ask, now)
  }

  /** Written by the control plane: the key's record, or null once deleted. Takes effect on the next request. */
  async putRecord(record: KeyRecord | null) {
    this.override = record
    await this.ctx.storage.put('override', record)
  }

  /** Clears a control-plane override, so the definition's record applies again. */
  async clearRecord() {
    this.override = undefined
    await this.ctx.storage.delete('override')
  }

  /** Quota used and left in the current period of one plan. */
  usage(plan: string, quota: Quota, now: number): QuotaUsage {
    const { used } = this.quotaCount(plan, quota, now)
    return {
      used,
      remaining: Math.max(0, quota.limit - used),
      limit: quota.limit,
      periodStart: new Date(periodStart(quota, now)).toISOString(),
      periodEnd: new Date(periodEnd(quota, now)).toISOString(),
    }
  }

  /**
   * Written by the control plane (AWS's UpdateUsage): the quota left in the current period of one
   * plan. More than the limit is an extension for this period (the count goes below zero). Tokens
   * still out on lease stay counted: what holders spend of them comes off the new figure, what
   * they return unspent goes back to it, so a lease never turns into quota nobody granted.
   */
  async setRemaining(plan: string, quota: Quota, remaining: number, now: number): Promise<QuotaUsage> {
    const period = periodStart(quota, now)
    const onLease = this.ledger.reserved((tag) => tag?.plan === plan && tag.period === period, now)
    const count = { period, used: quota.limit - remaining + onLease }
    this.quotas.set(plan, count)
    await this.ctx.storage.put(`quota:${plan}`, count)
    return this.usage(plan, quota, now)
  }

  /** Key, plan, then every throttle of the plan, then its quota: a refused request takes no token and counts nothing. */
  private decide({ plans, seed }: AdmitTerms, { want, forWaiting }: LeaseAsk, now: number): KeyLeaseAnswer {
    const record = this.override === undefined ? seed : this.override
    if (!record || !record.enabled) return refuse({ reason: 'INVALID_API_KEY' }, 0)
    const plan = plans.find((p) => record.usagePlans.includes(p.name))
    if (!plan) return refuse({ reason: 'INVALID_API_KEY' }, 0)

    const limits: [string, Throttle][] = []
    if (plan.throttle) limits.push([`plan:${plan.name}`, plan.throttle])
    const method = plan.methodThrottle
    if (method) limits.push([`method:${plan.name}:${method.bucket}`, method.limit])
    const quota = plan.quota && {
      limit: plan.quota.limit,
      count: this.quotaCount(plan.name, plan.quota, now),
      resetSeconds: Math.ceil((periodEnd(plan.quota, now) - now) / 1000),
    }

    const available = this.ledger.available(limits, now)
    if (available < 1) {
      const retryAfter = Math.ceil(this.ledger.waitMs(limits) / 1000)
      return refuse({ reason: 'THROTTLED', retryAfter, ...headline(quota) }, this.ledger.holdMs(limits))
    }
    const quotaLeft = quota ? quota.limit - quota.count.used : Infinity
    if (quotaLeft < 1) return refuse({ reason: 'QUOTA_EXCEEDED', retryAfter: quota!.resetSeconds, ...headline(quota) }, Math.min(leaseTtlMs, quota!.resetSeconds * 1000))

    const tokens = Math.min(want, available, quotaLeft)
    let leaseId = 0
    if (tokens > 0) {
      leaseId = this.ledger.lease(limits, tokens, tokens - Math.min(tokens, forWaiting), now, quota && { plan: plan.name, period: quota.count.period })
      this.horizon.granted(now)
      if (quota) this.count(plan.name, quota.count, tokens)
    }
    // A lease that emptied a bucket: the holder refuses without asking until tokens are due.
    const emptied = tokens < want && tokens === available ? { holdMs: this.ledger.holdMs(limits) } : {}
    return { ok: true, leaseId, tokens, ttlMs: leaseTtlMs, info: { keyId: record.id, plan: plan.name, ...headline(quota) }, ...emptied }
  }

  /** A holder's report: tokens it will not spend go back to the buckets (while the lease lives) and to the quota of their period. */
  private returnUnspent(report: LeaseAsk['reports'][number], now: number) {
    const returned = this.ledger.report(report, now)
    if (!returned?.tag || returned.unspent === 0) return
    const count = this.quotas.get(returned.tag.plan)
    if (count && count.period === returned.tag.period) this.count(returned.tag.plan, count, -returned.unspent)
  }

  private count(plan: string, count: QuotaCount, n: number) {
    count.used += n
    this.quotas.set(plan, count)
    this.persistSoon(plan)
  }

  /**
   * Counts are decided in memory and written at most once a second: a disk commit per request
   * would cap a key at the disk's commit rate. A crash can lose at most the counts since the last
   * write. A write that fails is logged and retried with the next one; requests go on being decided
   * by the count in memory, which stays exact while the object lives (docs/usage-plans.md).
   */
  private persistSoon(plan: string) {
    this.dirty.add(plan)
    if (this.flushing) return
    this.flushing = setTimeout(() => void this.flush(), quotaFlushMs)
  }

  private async flush() {
    const plans = [...this.dirty]
    this.dirty.clear()
    this.flushing = undefined
    try {
      await this.ctx.storage.put(Object.fromEntries(plans.map((p) => [`quota:${p}`, this.quotas.get(p)])))
    } catch (e) {
      const names = plans.map((p) => (p.length > 64 ? `${p.slice(0, 64)}…` : p)).join(', ')
      console.error(`ApiKeyObject: quota counts of usage plan(s) ${names} were not written; retrying in ${quotaFlushMs} ms (a restart before then loses them)`, e)
      for (const p of plans) this.persistSoon(p)
    }
  }

  /** This period's count for the plan (a new period starts from zero). */
  private quotaCount(plan: string, quota: Quota, now: number): QuotaCount {
    const period = periodStart(quota, now)
    const count = this.quotas.get(plan)
    return count && count.period === period ? count : { period, used: 0 }
  }
}

const refuse = (refusal: KeyRefusal, holdMs: number): KeyLeaseAnswer => ({ ok: false, holdMs, refusal })

/** The quota figures a response can carry (RateLimit-* headers), read after the decision. */
const headline = (quota: { limit: number; count: QuotaCount; resetSeconds: number } | undefined) =>
  quota ? { limit: quota.limit, remaining: Math.max(0, quota.limit - quota.count.used), resetSeconds: quota.resetSeconds } : {}
