import { DurableObject } from 'cloudflare:workers'
import type { Quota, Throttle } from '../definitions/table'
import { fullBucket, takeAll, type Bucket } from '../method-request/token-bucket'
import { periodEnd, periodStart } from '../method-request/quota-period'

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
  private record: KeyRecord | null | undefined

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS record (k TEXT PRIMARY KEY, v TEXT NOT NULL)')
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS quota (plan TEXT PRIMARY KEY, period INTEGER NOT NULL, used INTEGER NOT NULL)')
  }

  /** Decides one request. Buckets live in memory (a restarted object starts full, as a fresh AWS bucket does). */
  admit(request: AdmitRequest): AdmitResult {
    const record = this.effectiveRecord(request.seed)
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
      this.ctx.storage.sql.exec('INSERT OR REPLACE INTO quota (plan, period, used) VALUES (?, ?, ?)', plan.name, quota.period, quota.used + 1)
    }
    return { ok: true, keyId: record.id, plan: plan.name, ...headline, ...(quota ? { remaining: plan.quota!.limit - quota.used - 1 } : {}) }
  }

  /** Written by the control plane: the key's record, or null once deleted. Takes effect on the next request. */
  putRecord(record: KeyRecord | null) {
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO record (k, v) VALUES (?, ?)', 'override', JSON.stringify(record))
    this.record = record
  }

  /** Clears a control-plane override, so the definition's record applies again. */
  clearRecord() {
    this.ctx.storage.sql.exec('DELETE FROM record WHERE k = ?', 'override')
    this.record = undefined
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

  private effectiveRecord(seed: KeyRecord | undefined): KeyRecord | null | undefined {
    if (this.record === undefined) {
      const row = this.ctx.storage.sql.exec<{ v: string }>('SELECT v FROM record WHERE k = ?', 'override').toArray()[0]
      this.record = row ? (JSON.parse(row.v) as KeyRecord | null) : noOverride
    }
    return this.record === noOverride ? seed : this.record
  }

  private bucket(name: string, limit: Throttle, now: number): Bucket {
    let bucket = this.buckets.get(name)
    if (!bucket) this.buckets.set(name, (bucket = fullBucket(limit, now)))
    return bucket
  }

  private quotaState(plan: string, quota: Quota, now: number): { period: number; used: number } {
    const period = periodStart(quota, now)
    const row = this.ctx.storage.sql.exec<{ period: number; used: number }>('SELECT period, used FROM quota WHERE plan = ?', plan).toArray()[0]
    return row && row.period === period ? row : { period, used: 0 }
  }
}

/** Marks "loaded, and the control plane has no override for this key". */
const noOverride = Object.freeze({ id: '', name: '', enabled: false, usagePlans: [] }) as KeyRecord
