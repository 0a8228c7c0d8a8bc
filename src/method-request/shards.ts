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

/** What one shard offers a request: an admission (which may ask its object), a token already held, and a lease of `want` tokens asked for in the background (undefined when the shard is spent or already asked). */
export interface Shard<A> {
  admit(): A | Promise<A>
  spendHeld(): A | undefined
  prefetch(want: number): Promise<void> | undefined
}

/**
 * An isolate asks another shard in the background at most this often, and, while those asks bring
 * nothing (every shard is spent: overload), ever more rarely, up to once a second, so spilling
 * never multiplies asks where it cannot help.
 */
const minSpillMs = 50
const maxSpillMs = 1000

/**
 * An isolate's way through a sharded limit. Requests go to the isolate's own shard (drawn at
 * random, so isolates spread over the shards); when it refuses, a token any other shard's lease
 * already holds is taken instead, and one other shard in turn is asked for a lease in the
 * background, sized to the demand left unmet; the request that spills waits for the first of those
 * leases. A request waits on at most two asks, and an
 * isolate whose shard is spent (or the only isolate there is) still reaches the others' tokens.
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
  let gap = minSpillMs
  /** Since the last spill: requests refused, and requests other shards' tokens served. */
  let refused = 0
  let servedElsewhere = 0
  return async function pick<A extends { ok: boolean }>(shard: (i: number) => Shard<A>): Promise<A> {
    const first = await shard(home).admit()
    if (first.ok || count === 1) return first
    for (let k = 1; k < count; k++) {
      const held = shard((home + k) % count).spendHeld()
      if (held?.ok) {
        servedElsewhere += 1
        return held
      }
    }
    refused += 1
    const now = clock()
    if (now - spilledAt >= gap || now < spilledAt) {
      // Enough for the demand the isolate's own shard leaves to others, for half a lease time.
      const want = Math.ceil(((refused + servedElsewhere) * leaseTtlMs) / 2 / Math.max(minSpillMs, Math.min(now - spilledAt, leaseTtlMs)))
      // Spilling helps while the other shards serve a fair part (a quarter) of what this one refuses.
      if (spilledAt > -Infinity) gap = servedElsewhere >= refused / 4 ? minSpillMs : Math.min(gap * 2, maxSpillMs)
      spilledAt = now
      refused = 0
      servedElsewhere = 0
      // The next shards in turn that are not spent or already asked, as many as the demand needs
      // (a shard lends at most its burst at once).
      let wanted = want
      let awaited: { shard: number; answered: Promise<void> } | undefined
      for (let k = 1; k < count && wanted > 0; k++) {
        spill = (spill + 1) % count
        if (spill === home) spill = (spill + 1) % count
        const ask = Math.min(wanted, Math.max(1, shares[spill].burstLimit))
        const answered = shard(spill).prefetch(ask)
        if (!answered) continue
        wanted -= ask
        awaited ??= { shard: spill, answered }
      }
      // The request that spilled waits for the first lease it asked for, as it would for its own shard's.
      if (awaited) {
        await awaited.answered
        const held = shard(awaited.shard).spendHeld()
        if (held?.ok) {
          servedElsewhere += 1
          return held
        }
      }
    }
    return first
  }
}
