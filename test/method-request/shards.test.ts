import { describe, expect, it } from 'vitest'
import { shardPicker, splitLimit, type Shard } from '../../src/method-request/shards'

type A = { ok: boolean; from: number }

/** A shard whose answers the test sets: tokens it admits from its own object, tokens already held, and what a background ask brings. */
function fakeShards(count: number) {
  const state = Array.from({ length: count }, () => ({ admits: 0, held: 0, prefetched: [] as number[], brings: 0, ownerAskRate: 0 }))
  const shard = (i: number): Shard<A> => ({
    admit: () => (state[i].admits > 0 ? (state[i].admits--, { ok: true, from: i }) : { ok: false, from: i }),
    spendHeld: () => (state[i].held > 0 ? (state[i].held--, { ok: true, from: i }) : undefined),
    prefetch: (want, maxOwnerAskRate) => {
      if (state[i].brings === 0 || state[i].ownerAskRate > maxOwnerAskRate) return undefined
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
    // The first refusal: one request left over in (at most) a lease time: one token from the next shard, for the request itself.
    expect(await pick(shard)).toEqual({ ok: true, from: 1 })
    expect(state.map((s) => s.prefetched)).toEqual([[], [1], [], []])
    // Within 50 ms, no new spill: refused.
    now = 10
    const refused = await Promise.all(Array.from({ length: 6 }, () => pick(shard)))
    expect(refused.every((a) => !a.ok)).toBe(true)
    expect(state.map((s) => s.prefetched)).toEqual([[], [1], [], []])
    // At 60 ms: 7 requests left over in 60 ms, half a lease time of that (30 tokens), a burst (10) per shard;
    // shard 1 has nothing more to lend.
    now = 60
    expect(await pick(shard)).toEqual({ ok: true, from: 2 })
    expect(state.map((s) => s.prefetched)).toEqual([[], [1], [10], [10]])
  })

  it('spills only to shards whose owners have room: where many isolates share them, each keeps to its own', async () => {
    const { state, shard } = fakeShards(4)
    for (const s of state) s.brings = 100
    state[1].ownerAskRate = 900
    state[2].ownerAskRate = 150
    const pick = shardPicker(shares, { random: () => 0, clock: () => 0 })
    expect(await pick(shard)).toEqual({ ok: true, from: 2 })
    expect(state.map((s) => s.prefetched)).toEqual([[], [], [1], []])
    const busy = fakeShards(4)
    for (const s of busy.state) Object.assign(s, { brings: 100, ownerAskRate: 900 })
    expect(await shardPicker(shares, { random: () => 0, clock: () => 0 })(busy.shard)).toEqual({ ok: false, from: 0 })
    expect(busy.state.flatMap((s) => s.prefetched)).toEqual([])
  })
})
