import { DurableObject } from 'cloudflare:workers'
import type { Throttle } from '../definitions/table'
import { fullBucket, takeAll, type Bucket } from '../method-request/token-bucket'

/**
 * One stage or stage-method throttle (`methodSettings`): a token bucket shared by every
 * caller of that method. Only methods with a configured limit ever reach an object.
 */
export class ThrottleBucket extends DurableObject {
  private bucket: Bucket | undefined

  /** Takes one token; when the bucket is empty, `ok` is false and `retryAfter` says when to come back (seconds). */
  take(limit: Throttle, now: number): { ok: boolean; remaining: number; retryAfter: number } {
    this.bucket ??= fullBucket(limit, now)
    const taken = takeAll([[this.bucket, limit]], now)
    return { ok: taken.ok, remaining: Math.floor(this.bucket.tokens), retryAfter: taken.ok ? 0 : Math.ceil(taken.retryAfter) }
  }
}
