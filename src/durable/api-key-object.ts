import { DurableObject } from 'cloudflare:workers'
import type { Quota, Throttle } from '../definitions/table'
import { fullBucket, takeAll, type Bucket } from '../method-request/token-bucket'
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
  /** The plan's `apiStages[].throttle["/path/METHOD"]`, when set. */
  methodThrottle?: Throttle
  quota?: Quota
}

export interface AdmitRequest {
  now: number
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

/**
 * One API key: its record, its token buckets and quota counters. Every decision for the key
 * — valid, enabled, on a plan for this stage, within rate, burst and quota — happens in one
 * synchronous step of this single-threaded object, so concurrent requests never over-admit.
 */
export class ApiKeyObject extends DurableObject {
  private buckets = new Map<string, Bucket>()
  /** undefined: no control-plane override (the definition applies); null: deleted. */
  private override: KeyRecord | null | undefined
  private quotas = new Map<string, { period: number; used: number }>()
  private dirty = new Set<string>()
  private terms = new Map<string, Omit<AdmitRequest, 'now'>>()
  private flushing: ReturnType<typeof setTimeout> | undefined

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    // State is read once; afterwards every decision is synchronous and in memory.
    ctx.blockConcurrencyWhile(async () => {
      this.override = await ctx.storage.get<KeyRecord | null>('override')
      for (const [key, value] of await ctx.storage.list<{ period: number; used: number }>({ prefix: 'quota:' })) {
        this.quotas.set(key.slice('quota:'.length), value)
      }
    })
  }

  /**
   * Decides one request whose plans and key definition come as JSON text: the gateway sends the
   * same text for every request of a method, so it is parsed once here and the call carries one
   * string instead of an object graph.
   */
  admitTerms(now: number, terms: string): AdmitResult {
    let parsed = this.terms.get(terms)
    if (!parsed) {
      if (this.terms.size >= 64) this.terms.clear()
      this.terms.set(terms, (parsed = JSON.parse(terms) as Omit<AdmitRequest, 'now'>))
    }
    return this.admit({ ...parsed, now })
  }

  /** Decides one request. Buckets live in memory (a restarted object starts full, as a fresh AWS bucket does). */
  admit(request: AdmitRequest): AdmitResult {
    const record = this.override === undefined ? request.seed : this.override
    if (!record || !record.enabled) return { ok: false, reason: 'INVALID_API_KEY' }
    const plan = request.plans.find((p) => record.usagePlans.includes(p.name))
    if (!plan) return { ok: false, reason: 'INVALID_API_KEY' }

    const quota = plan.quota && this.quotaState(plan.name, plan.quota, request.now)
    const limits: [Bucket, Throttle][] = []
    if (plan.throttle) limits.push([this.bucket(`plan:${plan.name}`, plan.throttle, request.now), plan.throttle])
    if (plan.methodThrottle) limits.push([this.bucket(`method:${plan.name}`, plan.methodThrottle, request.now), plan.methodThrottle])
    const headline = plan.quota
      ? { limit: plan.quota.limit, resetSeconds: Math.ceil((periodEnd(plan.quota, request.now) - request.now) / 1000) }
      : {}

    const taken = takeAll(limits, request.now)
    if (!taken.ok) {
      return { ok: false, reason: 'THROTTLED', retryAfter: Math.ceil(taken.retryAfter), ...headline, ...(quota ? { remaining: plan.quota!.limit - quota.used } : {}) }
    }
    if (quota && plan.quota && quota.used >= plan.quota.limit) {
      // A refused request gives its tokens back: only admitted requests count.
      for (const [bucket] of limits) bucket.tokens += 1
      return { ok: false, reason: 'QUOTA_EXCEEDED', retryAfter: headline.resetSeconds ?? 0, ...headline, remaining: 0 }
    }
    if (quota && plan.quota) {
      quota.used += 1
      this.quotas.set(plan.name, quota)
      this.persistSoon(plan.name)
    }
    return { ok: true, keyId: record.id, plan: plan.name, ...headline, ...(quota ? { remaining: plan.quota!.limit - quota.used } : {}) }
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
    const { used } = this.quotaState(plan, quota, now)
    return {
      used,
      remaining: Math.max(0, quota.limit - used),
      limit: quota.limit,
      periodStart: new Date(periodStart(quota, now)).toISOString(),
      periodEnd: new Date(periodEnd(quota, now)).toISOString(),
    }
  }

  /**
   * Counts are decided in memory and written at most once a second: a disk commit per request
   * would cap a key at the disk's commit rate. A crash can lose at most that last second of counts.
   */
  private persistSoon(plan: string) {
    this.dirty.add(plan)
    if (this.flushing) return
    this.flushing = setTimeout(() => {
      const entries = Object.fromEntries([...this.dirty].map((p) => [`quota:${p}`, this.quotas.get(p)]))
      this.dirty.clear()
      this.flushing = undefined
      void this.ctx.storage.put(entries)
    }, quotaFlushMs)
  }

  private bucket(name: string, limit: Throttle, now: number): Bucket {
    let bucket = this.buckets.get(name)
    if (!bucket) this.buckets.set(name, (bucket = fullBucket(limit, now)))
    return bucket
  }

  /** This period's count for the plan (a new period starts from zero). */
  private quotaState(plan: string, quota: Quota, now: number): { period: number; used: number } {
    const period = periodStart(quota, now)
    const state = this.quotas.get(plan)
    return state && state.period === period ? state : { period, used: 0 }
  }
}
