import type { RouteTable, Throttle } from '../definitions/table'
import { StageMethodMap, stageMethods } from '../definitions/walk'
import type { Invocation } from '../invocation'
import type { Env } from '../env'
import { GatewayError } from '../gateway-responses/error'
import { accountThrottle, methodKey, stageLimitOf } from '../definitions/usage-plans'
import { fullBucket, takeToken, type Bucket } from './token-bucket'
import { guardLease } from './fail-mode'
import { leaseIo } from './lease-io'
import { LeaseHolder } from './lease-holder'
import { holderBook } from './holder-book'
import { shardPicker, splitLimit } from './shards'
import type { StageRefusal } from '../durable/throttle-bucket'
import { objectNamed } from '../durable/object-ids'
import { missingBindingError } from '../durable/required-bindings'

/** A stage method's `methodSettings` limit and the `ThrottleBucket` objects that hold it. */
interface StageBucket {
  /**
   * `{apiId}/{stage}//path/METHOD`: each method its own bucket, as on AWS; a sharded limit
   * (`throttlingShards`) adds `#i/N` and gives each object its share (shards.ts).
   */
  shards: { object: string; limit: Throttle }[]
  /** This isolate's way through the shards (shards.ts). */
  pick: ReturnType<typeof shardPicker>
}

/**
 * Throttling ahead of the API key: AWS's account default (per isolate), then the stage method's
 * `methodSettings` limit (its own entry, else the stage's `*\u002F*`). Limits are resolved per stage
 * and method once, here; a method without one touches no object and returns at once, without a promise.
 * @example
 * const throttle = createThrottle(table)
 * await throttle(inv) // throws GatewayError('THROTTLED') past a limit
 */
export function createThrottle(table: RouteTable) {
  const buckets = new StageMethodMap<StageBucket>()
  for (const { api, stage, method } of stageMethods(table)) {
    const limit = stageLimitOf(stage, method)
    if (!limit) continue
    const object = `${api.id}/${stage.name}/${methodKey(method)}`
    const shares = splitLimit(limit)
    const shards = shares.map((share, i) => ({ object: shares.length === 1 ? object : `${object}#${i}/${shares.length}`, limit: share }))
    buckets.set(stage, method, { shards, pick: shardPicker(shares) })
  }
  const checkAccount = createAccountThrottle()
  const holders = holderBook(() => new LeaseHolder<undefined, StageRefusal>({ retryAfter: 1 }))

  return function throttle(inv: Invocation): Promise<void> | undefined {
    checkAccount(inv.env.GATEWAY_ACCOUNT_THROTTLE, inv.startedAt)
    const bucket = buckets.get(inv.stage, inv.method)
    if (!bucket) return
    // A configured limit that cannot be enforced refuses the request (required-bindings.ts).
    if (!inv.env.THROTTLE) throw missingBindingError('THROTTLE')
    return takeStageToken(inv, inv.env.THROTTLE, bucket, holders)
  }
}

type StageHolders = { get(object: string): LeaseHolder<undefined, StageRefusal> }

/** A token of the stage method's bucket (of one of its shards), from this isolate's lease of it (lease-holder.ts). */
async function takeStageToken(inv: Invocation, ns: NonNullable<Env['THROTTLE']>, { shards, pick }: StageBucket, holders: StageHolders): Promise<void> {
  const admission = await guardLease(inv, () =>
    pick((i) => {
      const { object, limit } = shards[i]
      const holder = holders.get(object)
      const io = leaseIo<undefined, StageRefusal>(inv, (ask) => objectNamed(ns, object).lease(limit, ask))
      return { admit: () => holder.admit(io), spendHeld: () => holder.spendHeld(io), prefetch: (want, maxOwnerAskRate) => holder.prefetch(io, want, maxOwnerAskRate) }
    }),
  )
  if (admission && !admission.ok) {
    const headers = inv.stage.rateLimitHeaders ? { 'retry-after': String(admission.refusal.retryAfter) } : undefined
    throw new GatewayError('THROTTLED', { headers })
  }
}

/**
 * The gateway-wide default (AWS's 10,000 rps, burst 5,000) as a token bucket per isolate: one
 * global object would cap the whole gateway at one object's throughput, so this is a per-location
 * safety net, not an exact limit. `GATEWAY_ACCOUNT_THROTTLE="rate,burst"` changes it, `off` removes
 * it, as an AWS account raises its limit by a quota request; the setting is an environment
 * variable, so it is read from the first request's environment (and again if it changes).
 */
function createAccountThrottle() {
  let setting: unknown = Symbol('unread')
  let limit: Throttle | null = null
  let bucket: Bucket | undefined
  return function checkAccount(current: unknown, now: number) {
    if (current !== setting) {
      setting = current
      limit = parseAccountThrottle(current)
      bucket = limit ? fullBucket(limit, now) : undefined
    }
    if (bucket && limit && !takeToken(bucket, limit, now)) throw new GatewayError('THROTTLED')
  }
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
