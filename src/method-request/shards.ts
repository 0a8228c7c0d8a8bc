import type { Throttle } from '../definitions/table'
import { leaseTtlMs } from './lease-ledger'

/**
 * One limit spread over `shards` objects (docs/usage-plans.md, "Sharded limits"): each holds
 * rate/N and its share of the burst, the shares summing to the whole, so all shards together
 * never admit more than the one limit would.
 * @example splitLimit({ rateLimit: 100, burstLimit: 10, shards: 3 }) // rates 33.3…, bursts 4, 3, 3
 */
export function splitLimit({ rateLimit, burstLimit, shards = 1 }: Throttle): Throttle[] {
  return Array.from({ length: shards }, (_, i) => ({
    rateLimit: rateLimit / shards,
    burstLimit: Math.floor(burstLimit / shards) + (i < burstLimit % shards ? 1 : 0),
  }))
}

/** What one shard offers a request: an admission (which may ask its object), a token already held, and a lease of `want` tokens asked for in the background (undefined when the shard is spent, already asked, or its owner busier than `maxOwnerAskRate` asks a second). */
export interface Shard<A> {
  admit(): A | Promise<A>
  spendHeld(): A | undefined
  prefetch(want: number, maxOwnerAskRate: number): Promise<void> | undefined
}

/** An isolate spills to other shards at most this often. */
const spillEveryMs = 50
/**
 * Only to owners under this many asks a second (of the ~1,000 an object serves): where many
 * isolates share the shards, every owner is busy and each isolate keeps to its own; where few do,
 * owners are quiet and an isolate may use them all.
 */
const spillOwnerAskRate = 300

/**
 * An isolate's way through a sharded limit. Requests go to the isolate's own shard (drawn at
 * random, so isolates spread over the shards); when it refuses, a token any other shard's lease
 * already holds is taken instead, and the next shards with quiet owners are asked for leases in
 * the background, sized to the demand left unmet; the request that spills waits for the first of
 * them. A request waits on at most two asks, and an isolate whose shard is spent (or the only
 * isolate there is) still reaches the others' tokens.
 * @example
 * const pick = shardPicker(splitLimit(limit))
 * const admission = await pick((i) => shardOf(i))
 */
export function shardPicker(shares: readonly Throttle[], time: { random?: () => number; clock?: () => number } = {}) {
  const count = shares.length
  const clock = time.clock ?? Date.now
  const home = Math.floor((time.random ?? Math.random)() * count)
  let spill = home
  let spilledAt = -Infinity
  /** Requests left to other shards since the last spill (served there or refused). */
  let leftOver = 0
  return async function pick<A extends { ok: boolean }>(shard: (i: number) => Shard<A>): Promise<A> {
    const first = await shard(home).admit()
    if (first.ok || count === 1) return first
    leftOver += 1
    for (let k = 1; k < count; k++) {
      const held = shard((home + k) % count).spendHeld()
      if (held?.ok) return held
    }
    const now = clock()
    if (now - spilledAt < spillEveryMs && now >= spilledAt) return first
    // Enough for the demand the isolate's own shard leaves over, for half a lease time.
    const want = Math.ceil((leftOver * leaseTtlMs) / 2 / Math.max(spillEveryMs, Math.min(now - spilledAt, leaseTtlMs)))
    spilledAt = now
    leftOver = 0
    // The next shards in turn that are not spent, asked or busy, as many as the demand needs (a
    // shard lends at most its burst at once).
    let wanted = want
    let awaited: { shard: number; answered: Promise<void> } | undefined
    for (let k = 1; k < count && wanted > 0; k++) {
      spill = (spill + 1) % count
      if (spill === home) spill = (spill + 1) % count
      const ask = Math.min(wanted, Math.max(1, shares[spill].burstLimit))
      const answered = shard(spill).prefetch(ask, spillOwnerAskRate)
      if (!answered) continue
      wanted -= ask
      awaited ??= { shard: spill, answered }
    }
    // The request that spilled waits for the first lease it asked for, as it would for its own shard's.
    if (!awaited) return first
    await awaited.answered
    const held = shard(awaited.shard).spendHeld()
    return held?.ok ? held : first
  }
}
