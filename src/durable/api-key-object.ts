import { DurableObject } from 'cloudflare:workers'
import type { Quota, Throttle } from '../definitions/table'
import { fullBucket, secondsUntilAll, type Bucket } from '../method-request/token-bucket'
import { periodEnd, periodStart } from '../method-request/quota-period'

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

export type AdmitResult =
  | { ok: true; keyId: string; plan: string; limit?: number; remaining?: number; resetSeconds?: number }
  | { ok: false; reason: 'INVALID_API_KEY' }
  | { ok: false; reason: 'THROTTLED' | 'QUOTA_EXCEEDED'; retryAfter: number; limit?: number; remaining?: number; resetSeconds?: number }

export interface QuotaUsage {
  used: number
  remaining: number
  limit: number
  periodStart: string
  periodEnd: string
}

type QuotaCount = { period: number; used: number }

/**
 * One API key: its record, its token buckets and quota counters. Every decision for the key
 * — valid, enabled, on a plan for this stage, within rate, burst and quota — happens in one
 * synchronous step of this single-threaded object, so concurrent requests never over-admit.
 */
export class ApiKeyObject extends DurableObject {
  private buckets = new Map<string, Bucket>()
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
    })
  }

  /**
   * Decides one request at `now` (ms since the epoch). The terms come as JSON text: the gateway
   * sends the same text for every request of a method, so it is parsed once here and the call
   * carries one string instead of an object graph. Buckets live in memory (a restarted object
   * starts full, as a fresh AWS bucket does).
   * @example await keyObject(env, value).admitTerms(Date.now(), '{"plans":[{"name":"gold"}]}')
   */
  admitTerms(now: number, terms: string): AdmitResult {
    let parsed = this.terms.get(terms)
    if (!parsed) {
      if (this.terms.size >= 64) this.terms.clear()
      this.terms.set(terms, (parsed = JSON.parse(terms) as AdmitTerms))
    }
    return this.decide(parsed, now)
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
   * plan. More than the limit is an extension for this period (the count goes below zero).
   */
  async setRemaining(plan: string, quota: Quota, remaining: number, now: number): Promise<QuotaUsage> {
    const count = { period: periodStart(quota, now), used: quota.limit - remaining }
    this.quotas.set(plan, count)
    await this.ctx.storage.put(`quota:${plan}`, count)
    return this.usage(plan, quota, now)
  }

  /** Key, plan, then every throttle of the plan, then its quota: a refused request takes no token and counts nothing. */
  private decide({ plans, seed }: AdmitTerms, now: number): AdmitResult {
    const record = this.override === undefined ? seed : this.override
    if (!record || !record.enabled) return { ok: false, reason: 'INVALID_API_KEY' }
    const plan = plans.find((p) => record.usagePlans.includes(p.name))
    if (!plan) return { ok: false, reason: 'INVALID_API_KEY' }

    const limits: [Bucket, Throttle][] = []
    if (plan.throttle) limits.push([this.bucket(`plan:${plan.name}`, plan.throttle, now), plan.throttle])
    const method = plan.methodThrottle
    if (method) limits.push([this.bucket(`method:${plan.name}:${method.bucket}`, method.limit, now), method.limit])
    const quota = plan.quota && {
      limit: plan.quota.limit,
      count: this.quotaCount(plan.name, plan.quota, now),
      resetSeconds: Math.ceil((periodEnd(plan.quota, now) - now) / 1000),
    }

    const retryAfter = secondsUntilAll(limits, now)
    if (retryAfter > 0) return { ok: false, reason: 'THROTTLED', retryAfter: Math.ceil(retryAfter), ...headline(quota) }
    if (quota && quota.count.used >= quota.limit) return { ok: false, reason: 'QUOTA_EXCEEDED', retryAfter: quota.resetSeconds, ...headline(quota) }

    for (const [bucket] of limits) bucket.tokens -= 1
    if (quota) {
      quota.count.used += 1
      this.quotas.set(plan.name, quota.count)
      this.persistSoon(plan.name)
    }
    return { ok: true, keyId: record.id, plan: plan.name, ...headline(quota) }
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

  private bucket(name: string, limit: Throttle, now: number): Bucket {
    let bucket = this.buckets.get(name)
    if (!bucket) this.buckets.set(name, (bucket = fullBucket(limit, now)))
    return bucket
  }

  /** This period's count for the plan (a new period starts from zero). */
  private quotaCount(plan: string, quota: Quota, now: number): QuotaCount {
    const period = periodStart(quota, now)
    const count = this.quotas.get(plan)
    return count && count.period === period ? count : { period, used: 0 }
  }
}

/** The quota figures a response can carry (RateLimit-* headers), read after the decision. */
const headline = (quota: { limit: number; count: QuotaCount; resetSeconds: number } | undefined) =>
  quota ? { limit: quota.limit, remaining: Math.max(0, quota.limit - quota.count.used), resetSeconds: quota.resetSeconds } : {}
