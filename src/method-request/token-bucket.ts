import type { Throttle } from '../definitions/table'

/** A token bucket: `burstLimit` tokens at most, refilled at `rateLimit` per second. */
export interface Bucket {
  tokens: number
  updatedAt: number
}

export const fullBucket = (limit: Throttle, now: number): Bucket => ({ tokens: limit.burstLimit, updatedAt: now })

/** Brings the bucket up to `now` (time never runs backwards for it). */
export function refill(bucket: Bucket, limit: Throttle, now: number) {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000
  bucket.tokens = Math.min(limit.burstLimit, bucket.tokens + elapsed * limit.rateLimit)
  bucket.updatedAt = Math.max(bucket.updatedAt, now)
}

/** Seconds until the bucket holds one whole token again. */
export function secondsUntilToken(bucket: Bucket, limit: Throttle): number {
  if (bucket.tokens >= 1) return 0
  if (limit.rateLimit <= 0) return Infinity
  return (1 - bucket.tokens) / limit.rateLimit
}

/** Takes one token from a single bucket if it has one (the per-isolate account limit). */
export function takeToken(bucket: Bucket, limit: Throttle, now: number): boolean {
  refill(bucket, limit, now)
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}

/**
 * Seconds until every bucket holds a token (0: all have one now), after bringing each up to `now`.
 * @example secondsUntilAll([[bucket, { rateLimit: 10, burstLimit: 5 }]], Date.now()) // 0
 */
export function secondsUntilAll(buckets: [Bucket, Throttle][], now: number): number {
  let wait = 0
  for (const [bucket, limit] of buckets) {
    refill(bucket, limit, now)
    wait = Math.max(wait, secondsUntilToken(bucket, limit))
  }
  return wait
}

/**
 * Takes one token from every bucket, or from none: a request passes only if all its limits
 * (plan, plan method, stage, stage method) have room, so a refused request costs nothing.
 * @example takeAll([[bucket, { rateLimit: 10, burstLimit: 5 }]], Date.now())
 */
export function takeAll(buckets: [Bucket, Throttle][], now: number): { ok: true } | { ok: false; retryAfter: number } {
  const retryAfter = secondsUntilAll(buckets, now)
  if (retryAfter > 0) return { ok: false, retryAfter }
  for (const [bucket] of buckets) bucket.tokens -= 1
  return { ok: true }
}
