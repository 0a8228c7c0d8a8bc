import type { Throttle } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { accountThrottle } from '../definitions/usage-plans'
import { fullBucket, takeAll, type Bucket } from './token-bucket'
import { guardDurableCall } from './fail-mode'

/**
 * Stage throttling from `methodSettings`: the method's own entry, else the stage's `*\u002F*`,
 * each method with its own bucket as on AWS. Methods without a configured limit touch no object.
 */
export async function checkStageThrottle(inv: Invocation): Promise<void> {
  const method = inv.method!
  const methodKey = `${method.resourcePath}/${method.httpMethod}`
  const limit: Throttle | undefined = inv.stage.throttle[methodKey] ?? inv.stage.throttle['*/*']
  if (!limit || !inv.env.THROTTLE) return
  const ns = inv.env.THROTTLE
  const result = await guardDurableCall(inv, () =>
    ns.get(ns.idFromName(`${inv.api.id}/${inv.stage.name}/${methodKey}`)).take(limit, Date.now()),
  )
  if (result && !result.ok) {
    const headers = inv.stage.rateLimitHeaders ? { 'retry-after': String(Math.max(1, result.retryAfter)) } : undefined
    throw new GatewayError('THROTTLED', { headers })
  }
}

// AWS's account-level default, kept per isolate: a single global object would cap the whole
// gateway at one object's throughput, so this is a per-location safety net, not an exact limit.
const isolateBucket: Bucket = fullBucket(accountThrottle, Date.now())

/** The gateway-wide default (10,000 rps, burst 5,000) as a per-isolate token bucket. */
export function checkAccountThrottle() {
  if (!takeAll([[isolateBucket, accountThrottle]], Date.now()).ok) throw new GatewayError('THROTTLED')
}
