import type { Method, Stage, Throttle } from '../definitions/table'
import type { Invocation } from '../invocation'
import type { Env } from '../env'
import { GatewayError } from '../gateway-responses/error'
import { accountThrottle } from '../definitions/usage-plans'
import { fullBucket, takeToken, type Bucket } from './token-bucket'
import { guardDurableCall } from './fail-mode'
import { objectNamed } from '../durable/object-ids'

/**
 * Stage throttling from `methodSettings`: the method's own entry, else the stage's `*\u002F*`,
 * each method with its own bucket as on AWS. Methods without a configured limit touch no object
 * and return at once, without a promise.
 */
export function checkStageThrottle(inv: Invocation): Promise<void> | undefined {
  const bucket = stageBucketOf(inv.stage, inv.method!)
  if (!bucket || !inv.env.THROTTLE) return
  return takeStageToken(inv, inv.env.THROTTLE, bucket)
}

async function takeStageToken(inv: Invocation, ns: NonNullable<Env['THROTTLE']>, { name, limit }: StageBucket): Promise<void> {
  const result = await guardDurableCall(inv, () => objectNamed(ns, `${inv.api.id}/${inv.stage.name}/${name}`).take(limit, Date.now()))
  if (result && !result.ok) {
    const headers = inv.stage.rateLimitHeaders ? { 'retry-after': String(Math.max(1, result.retryAfter)) } : undefined
    throw new GatewayError('THROTTLED', { headers })
  }
}

interface StageBucket {
  /** `/path/METHOD`, as methodSettings names it. */
  name: string
  limit: Throttle
}

/** Each method's stage limit, resolved on first use per stage rather than per request. */
const stageBuckets = new WeakMap<Method, Map<Stage, StageBucket | null>>()

function stageBucketOf(stage: Stage, method: Method): StageBucket | null {
  let byStage = stageBuckets.get(method)
  if (!byStage) stageBuckets.set(method, (byStage = new Map()))
  let bucket = byStage.get(stage)
  if (bucket === undefined) {
    const name = `${method.resourcePath}/${method.httpMethod}`
    const limit = stage.throttle[name] ?? stage.throttle['*/*']
    bucket = limit ? { name, limit } : null
    byStage.set(stage, bucket)
  }
  return bucket
}

// AWS's account-level default, kept per isolate: a single global object would cap the whole
// gateway at one object's throughput, so this is a per-location safety net, not an exact limit.
let isolateLimit: { setting: unknown; limit: Throttle | null } | undefined
let isolateBucket: Bucket | undefined

/**
 * The gateway-wide default (AWS's 10,000 rps, burst 5,000) as a per-isolate token bucket.
 * `GATEWAY_ACCOUNT_THROTTLE="rate,burst"` changes it, `off` removes it — as an AWS account
 * raises its limit by a quota request.
 */
export function checkAccountThrottle(setting: unknown, now = Date.now()) {
  if (isolateLimit === undefined || isolateLimit.setting !== setting) {
    isolateLimit = { setting, limit: parseAccountThrottle(setting) }
    isolateBucket = isolateLimit.limit ? fullBucket(isolateLimit.limit, now) : undefined
  }
  const limit = isolateLimit.limit
  if (isolateBucket && limit && !takeToken(isolateBucket, limit, now)) throw new GatewayError('THROTTLED')
}

function parseAccountThrottle(setting: unknown): Throttle | null {
  if (typeof setting !== 'string' || setting.trim() === '') return accountThrottle
  if (setting.trim() === 'off') return null
  const [rate, burst] = setting.split(',').map(Number)
  if (!(rate >= 0) || !(burst >= 0)) {
    console.error(`GATEWAY_ACCOUNT_THROTTLE must be "rate,burst" or "off", not "${setting}"; using AWS's default`)
    return accountThrottle
  }
  return { rateLimit: rate, burstLimit: burst }
}
