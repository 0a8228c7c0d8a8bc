import { describe, expect, it } from 'vitest'
import { shardPicker, splitLimit, type Shard } from '../../src/method-request/shards'

type A = { ok: boolean; from: number }

/** A shard whose answers the test sets: tokens it admits from its own object, tokens already held, and what a background ask brings. */
function fakeShards(count: number) {
  const state = Array.from({ length: count }, () => ({ admits: 0, held: 0, prefetched: [] as number[], brings: 0 }))
  const shard = (i: number): Shard<A> => ({
    admit: () => (state[i].admits > 0 ? (state[i].admits--, { ok: true, from: i }) : { ok: false, from: i }),
    spendHeld: () => (state[i].held > 0 ? (state[i].held--, { ok: true, from: i }) : undefined),
    prefetch: (want) => {
      if (state[i].brings === 0) return undefined
      state[i].prefetched.push(want)
      return Promise.resolve().then(() => {
        state[i].held += Math.min(want, state[i].brings)
        state[i].brings = 0
      })
    },
  })
  return { state, shard }
}

describe('splitLimit', () => {
  it('gives each shard rate/N and a share of the burst that sums to the whole', () => {
    const shares = splitLimit({ rateLimit: 100, burstLimit: 10, shards: 3 })
    expect(shares.map((s) => s.burstLimit)).toEqual([4, 3, 3])
    expect(shares.reduce((n, s) => n + s.rateLimit, 0)).toBeCloseTo(100)
    expect(splitLimit({ rateLimit: 7, burstLimit: 9 })).toEqual([{ rateLimit: 7, burstLimit: 9 }])
  })
})

describe('shardPicker', () => {
  const shares = splitLimit({ rateLimit: 80, burstLimit: 40, shards: 4 })

  it('sends requests to the shard drawn for the isolate while it admits', async () => {
    const { state, shard } = fakeShards(4)
    state[2].admits = 3
    const pick = shardPicker(shares, { random: () => 0.5, clock: () => 0 })
    expect(await Promise.all([pick(shard), pick(shard), pick(shard)])).toEqual([0, 1, 2].map(() => ({ ok: true, from: 2 })))
  })

  it("takes a token another shard's lease holds before anything else, without asking", async () => {
    const { state, shard } = fakeShards(4)
    state[0].held = 1
    state[0].brings = 5
    const pick = shardPicker(shares, { random: () => 0.5, clock: () => 0 })
    expect(await pick(shard)).toEqual({ ok: true, from: 0 })
    expect(state[0].prefetched).toEqual([])
  })

  it('spills a refused demand over the next shards, at most a burst each, and serves the request that spilled', async () => {
    const { state, shard } = fakeShards(4)
    for (const s of state) s.brings = 100
    let now = 0
    const pick = shardPicker(shares, { random: () => 0, clock: () => now })
    // The first refusal: one request unmet over (at most) a lease time: one token from the next shard, for the request itself.
    expect(await pick(shard)).toEqual({ ok: true, from: 1 })
    expect(state.map((s) => s.prefetched)).toEqual([[], [1], [], []])
    // Within 50 ms, no new spill: refused.
    now = 10
    const refused = await Promise.all(Array.from({ length: 6 }, () => pick(shard)))
    expect(refused.every((a) => !a.ok)).toBe(true)
    expect(state.map((s) => s.prefetched)).toEqual([[], [1], [], []])
    // At 60 ms: 8 requests left to other shards in 60 ms, half a lease time of that (34 tokens), a burst (10) per shard;
    // shard 1 has nothing more to lend.
    now = 60
    expect(await pick(shard)).toEqual({ ok: true, from: 2 })
    expect(state.map((s) => s.prefetched)).toEqual([[], [1], [10], [10]])
  })

  it('spills ever more rarely, up to once a second, while other shards serve little of what is refused', async () => {
    const { state, shard } = fakeShards(4)
    let now = 0
    const pick = shardPicker(shares, { random: () => 0, clock: () => now })
    let asks = 0
    for (const s of state) s.brings = 0
    const counting = (i: number): Shard<A> => ({ ...shard(i), prefetch: () => (asks++, undefined) })
    for (now = 0; now < 5000; now += 10) expect((await pick(counting)).ok).toBe(false)
    // Every 50 ms would be 100 spills over 5 s; doubling gaps to a second leave about ten.
    expect(asks / 3).toBeLessThan(12)
    expect(asks).toBeGreaterThan(0)
  })
})
