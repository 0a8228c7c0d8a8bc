import { DurableObject } from 'cloudflare:workers'
import type { Throttle } from '../definitions/table'
import { LeaseLedger, leaseTtlMs, type LeaseAsk, type Limits } from '../method-request/lease-ledger'
import type { LeaseAnswer } from '../method-request/lease-holder'
import { leaseHorizon } from './lease-horizon'

/** A stage method's refusal: seconds until a token (Retry-After). */
export type StageRefusal = { retryAfter: number }

/**
 * One stage or stage-method throttle (`methodSettings`): a token bucket shared by every caller of
 * that method, lent to isolates in leases. Only methods with a configured limit ever reach an object.
 */
export class ThrottleBucket extends DurableObject {
  /** The object's own clock: one clock decides every isolate's tokens (tests replace it). */
  clock: () => number = Date.now
  private ledger = new LeaseLedger<undefined>()
  private horizon = leaseHorizon(this.ctx.storage, this.ledger)

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never)
    ctx.blockConcurrencyWhile(() => this.horizon.restore())
  }

  /**
   * Up to `ask.want` tokens on lease, after the holder's reports; refused with the time until a token.
   * @example await bucket.lease({ rateLimit: 100, burstLimit: 200 }, { want: 1, forWaiting: 1, reports: [] })
   */
  lease(limit: Throttle, ask: LeaseAsk): LeaseAnswer<undefined, StageRefusal> {
    const now = this.clock()
    for (const report of ask.reports) this.ledger.report(report, now)
    const limits: Limits = [['bucket', limit]]
    const available = this.ledger.available(limits, now)
    if (available < 1) {
      const waitMs = this.ledger.waitMs(limits)
      return { ok: false, holdMs: this.ledger.holdMs(limits), refusal: { retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) } }
    }
    const tokens = Math.min(ask.want, available)
    const leaseId = tokens > 0 ? this.ledger.lease(limits, tokens, tokens - Math.min(tokens, ask.forWaiting), now, undefined) : 0
    if (tokens > 0) this.horizon.granted(now)
    return { ok: true, leaseId, tokens, ttlMs: leaseTtlMs, info: undefined }
  }
}
