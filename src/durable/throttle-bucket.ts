import { DurableObject } from 'cloudflare:workers'
import type { Throttle } from '../definitions/table'
import { LeaseLedger, leaseFromBucket, type LeaseAsk, type StageRefusal } from '../method-request/lease-ledger'
import type { LeaseAnswer } from '../method-request/lease-holder'
import { leaseHorizon } from './lease-horizon'

export type { StageRefusal }

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
    const answer = leaseFromBucket(this.ledger, limit, ask, this.clock())
    if (answer.ok && answer.tokens > 0) this.horizon.granted(this.clock())
    return answer
  }
}
