import { leaseTtlMs, type LeaseAnswer, type LeaseAsk, type LeaseReport } from './lease-ledger'

export type { LeaseAnswer }

/** One request's answer: admitted (with the lease's info and the tokens still held), or refused. */
export type Admission<Info, Refusal> = { ok: true; info: Info; unspent: number } | { ok: false; refusal: Refusal }

/** How a holder reaches its owner, given per request: Durable Object stubs belong to the request that makes them. */
export interface LeaseIo<Info, Refusal> {
  call(ask: LeaseAsk): Promise<LeaseAnswer<Info, Refusal>>
  /** Keeps work begun for later requests alive after this one's response (`ctx.waitUntil`). */
  keepAlive(work: Promise<unknown>): void
}

/**
 * Raised to every request that waited on an ask the owner did not answer, and to those that come
 * in the short hold after it. `firstOfStreak` marks the first failure since the owner last
 * answered: the one to log.
 */
export class LeaseUnavailable extends Error {
  constructor(cause: unknown, readonly firstOfStreak: boolean) {
    super('throttling Durable Object failed', { cause })
  }
}

interface Pool<Info> {
  id: number
  tokens: number
  sentAt: number
  expiresAt: number
  info: Info
}

/** An ask's result for the requests that waited on it; `handout` counts the tokens sent for them. */
type Outcome<Info, Refusal> = { granted: true; info: Info; handout: number } | { granted: false; refusal: Refusal } | { granted: false; error: LeaseUnavailable }

/** After a failed ask, requests fail at once for this long rather than each waiting on a dead owner. */
const failureHoldMs = 100
/** A request that finds the holder empty asks at most this many times before it is refused. */
const maxRounds = 8

/**
 * An isolate's side of token leases for one limit (one key's terms, one stage-method bucket):
 * spends leased tokens with no round trip, and asks the owner for the next lease in the
 * background before these run out. A slow limit (under two requests per lease time) asks for one
 * token per request, on the request path, exactly as without leases; a hot one asks for about
 * half a lease time of its measured rate, and a request waits only when every token is spent.
 * Requests that arrive while an ask is in flight wait for it, and the next ask covers them all.
 * @example
 * const holder = new LeaseHolder(busy)
 * const admission = await holder.admit({ call: (ask) => stub.lease(ask), keepAlive: (p) => ctx.waitUntil(p) })
 */
export class LeaseHolder<Info, Refusal> {
  private pools: Pool<Info>[] = []
  private ended: LeaseReport[] = []
  private held: { sentAt: number; until: number; refusal: Refusal } | undefined
  private failedUntil = 0
  private failure: LeaseUnavailable | undefined
  private failing = false
  private asking: Promise<Outcome<Info, Refusal>> | undefined
  private waiting = 0
  /** Requests admitted per second, smoothed over about a second. */
  private rate = 0
  private spentSince = 0
  private measuredAt = -1
  private ttlMs = leaseTtlMs
  /** Asks sent to the owner (benchmarks report asks per admitted request). */
  asks = 0
  /** The owner's ask rate as its last answer gave it, and when. */
  private owner = { askRate: 0, at: -Infinity }

  private readonly clock: () => number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly timeoutMs: number

  /**
   * @param busy what a request gets when tokens keep going to others before it (a throttled answer)
   * @param time the clock (ms; one that runs backwards ends every lease, which could otherwise
   * outlive the owner's) and timers, replaced by simulations; `timeoutMs` bounds an ask
   */
  constructor(
    private readonly busy: Refusal,
    time: { clock?: () => number; sleep?: (ms: number) => Promise<void>; timeoutMs?: number } = {},
  ) {
    this.clock = time.clock ?? Date.now
    this.sleep = time.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.timeoutMs = time.timeoutMs ?? 3000
  }

  /** One request's admission: at once from a lease, or after asking the owner. Throws `LeaseUnavailable` when the owner cannot answer. */
  admit(io: LeaseIo<Info, Refusal>): Admission<Info, Refusal> | Promise<Admission<Info, Refusal>> {
    return this.fromLease(this.clock(), io) ?? this.afterAsking(io)
  }

  /** True when nothing is held, asked or owed: the holder can be dropped. */
  get idle(): boolean {
    return !this.asking && this.pools.length === 0 && this.ended.length === 0
  }

  /** A token of a lease already held, with no ask and no wait; undefined when none is held. */
  spendHeld(io: LeaseIo<Info, Refusal>): Admission<Info, Refusal> | undefined {
    return this.spend(this.clock(), io)
  }

  /**
   * Asks for a lease of at least `want` tokens in the background, for requests to come, unless one
   * is held, asked for, or refused for now, or the owner said within the last second that it gets
   * more than `maxOwnerAskRate` asks a second (then undefined). It settles when the answer is in
   * (it never rejects); what it brings goes to the pool.
   */
  prefetch(io: LeaseIo<Info, Refusal>, want = 1, maxOwnerAskRate = Infinity): Promise<void> | undefined {
    const now = this.clock()
    this.dropEnded(now)
    if (this.asking || this.pools.length > 0) return undefined
    if (this.owner.askRate > maxOwnerAskRate && now >= this.owner.at && now - this.owner.at < 1000) return undefined
    if (this.holding(now)) return undefined
    if (this.failure && now < this.failedUntil) return undefined
    return this.ask(io, want).then(() => undefined)
  }

  private spend(now: number, io: LeaseIo<Info, Refusal>): Admission<Info, Refusal> | undefined {
    this.dropEnded(now)
    const pool = this.pools.find((p) => p.tokens > 0)
    if (!pool) return undefined
    pool.tokens -= 1
    this.spentSince += 1
    this.renewSoon(io, now)
    return { ok: true, info: pool.info, unspent: this.unspent() }
  }

  private fromLease(now: number, io: LeaseIo<Info, Refusal>): Admission<Info, Refusal> | undefined {
    const spent = this.spend(now, io)
    if (spent) return spent
    return this.holding(now) ? { ok: false, refusal: this.held!.refusal } : undefined
  }

  private async afterAsking(io: LeaseIo<Info, Refusal>): Promise<Admission<Info, Refusal>> {
    for (let round = 0; round < maxRounds; round++) {
      if (this.failure && this.clock() < this.failedUntil) throw this.failure
      this.waiting += 1
      let outcome: Outcome<Info, Refusal>
      try {
        outcome = await this.ask(io)
      } finally {
        this.waiting -= 1
      }
      if (!outcome.granted) {
        if ('error' in outcome) throw outcome.error
        return { ok: false, refusal: outcome.refusal }
      }
      // Tokens sent for the requests that were waiting are theirs, in the order they came.
      if (outcome.handout > 0) {
        outcome.handout -= 1
        this.spentSince += 1
        return { ok: true, info: outcome.info, unspent: this.unspent() }
      }
      const local = this.fromLease(this.clock(), io)
      if (local) return local
    }
    return { ok: false, refusal: this.busy }
  }

  /** The ask in flight, or a new one for everyone waiting and the measured rate (at least `atLeast` tokens). */
  private ask(io: LeaseIo<Info, Refusal>, atLeast = 1): Promise<Outcome<Info, Refusal>> {
    if (this.asking) return this.asking
    const sentAt = this.clock()
    this.measure(sentAt)
    const forWaiting = this.waiting
    const want = Math.max(atLeast, forWaiting + Math.round(this.leaseSize()))
    const asking = this.send(io, { want, forWaiting, reports: this.takeReports(sentAt) }, sentAt)
    this.asking = asking
    io.keepAlive(asking)
    return asking
  }

  private async send(io: LeaseIo<Info, Refusal>, ask: LeaseAsk, sentAt: number): Promise<Outcome<Info, Refusal>> {
    this.asks += 1
    try {
      const answer = await withTimeout(io.call(ask), this.sleep(this.timeoutMs), this.timeoutMs)
      this.recovered()
      if (answer.askRate !== undefined) this.owner = { askRate: answer.askRate, at: sentAt }
      if (!answer.ok) {
        this.held = { sentAt, until: sentAt + answer.holdMs, refusal: answer.refusal }
        return { granted: false, refusal: answer.refusal }
      }
      this.held = answer.holdMs ? { sentAt, until: sentAt + answer.holdMs, refusal: this.busy } : undefined
      this.ttlMs = answer.ttlMs
      // Tokens for the requests waiting are spent on arrival; the rest are on lease, which counts
      // from the ask, so it ends here no later than at the owner.
      const handout = Math.min(answer.tokens, ask.forWaiting)
      const pool = { id: answer.leaseId, tokens: answer.tokens - handout, sentAt, expiresAt: sentAt + answer.ttlMs, info: answer.info }
      if (pool.tokens > 0) {
        this.pools.push(pool)
        this.returnUnspentAfter(pool, io)
      }
      return { granted: true, info: answer.info, handout }
    } catch (e) {
      return { granted: false, error: this.failed(e) }
    } finally {
      this.asking = undefined
    }
  }

  /** Hot limits ask again when a quarter of a lease time of tokens is left, so requests never wait. */
  private renewSoon(io: LeaseIo<Info, Refusal>, now: number) {
    if (this.asking || this.leaseSize() < 2) return
    if (this.unspent() > this.leaseSize() / 2) return
    // The owner said its bucket is spent until then: asking sooner brings nothing.
    if (this.holding(now)) return
    void this.ask(io)
  }

  /** Whether the owner's last answer still says to refuse without asking (a clock that ran backwards ends it). */
  private holding(now: number): boolean {
    return this.held !== undefined && now >= this.held.sentAt && now < this.held.until
  }

  /** Tokens worth half a lease time at the measured rate (a lease is spent well before it ends). */
  private leaseSize(): number {
    return (this.rate * this.ttlMs) / 2000
  }

  /**
   * Unspent tokens of a lease that ends while no request comes go back to the owner (quota counts
   * what was spent, not what was leased), by one report sent when it ends.
   */
  private returnUnspentAfter(pool: Pool<Info>, io: LeaseIo<Info, Refusal>) {
    const ends = this.sleep(pool.expiresAt - pool.sentAt)
    io.keepAlive(
      ends.then(() => {
        this.dropEnded(this.clock())
        if (this.asking || !this.ended.some((r) => r.id === pool.id && r.unspent > 0)) return
        // Only reports: the answer changes nothing here, and a failure loses only the return.
        this.asks += 1
        return io.call({ want: 0, forWaiting: 0, reports: this.takeReports(this.clock()) }).then(
          () => undefined,
          () => undefined,
        )
      }),
    )
  }

  private measure(now: number) {
    if (this.measuredAt < 0 || now < this.measuredAt) {
      this.measuredAt = now
      this.spentSince = 0
      return
    }
    const elapsed = now - this.measuredAt
    if (elapsed < 10) return
    const weight = 1 - Math.exp(-elapsed / 1000)
    this.rate += weight * ((this.spentSince * 1000) / elapsed - this.rate)
    this.measuredAt = now
    this.spentSince = 0
  }

  /** Leases past their end (or met by a clock that ran backwards) and spent ones leave the pool, owed a final report. */
  private dropEnded(now: number) {
    if (this.pools.length === 0) return
    const kept: Pool<Info>[] = []
    for (const p of this.pools) {
      if (p.tokens > 0 && now >= p.sentAt && now < p.expiresAt) kept.push(p)
      else this.ended.push({ id: p.id, unspent: p.tokens, done: true })
    }
    this.pools = kept
  }

  /** Final reports for ended leases, and the unspent count of live ones (what was spent leaves the owner's reservation). */
  private takeReports(now: number): LeaseReport[] {
    this.dropEnded(now)
    const reports = [...this.ended, ...this.pools.map((p) => ({ id: p.id, unspent: p.tokens, done: false }))]
    this.ended = []
    return reports
  }

  private unspent(): number {
    let n = 0
    for (const p of this.pools) n += p.tokens
    return n
  }

  private failed(e: unknown): LeaseUnavailable {
    this.failure = new LeaseUnavailable(e, !this.failing)
    this.failing = true
    this.failedUntil = this.clock() + failureHoldMs
    return this.failure
  }

  private recovered() {
    this.failing = false
    this.failure = undefined
  }
}

/** The owner's answer, or an error once `timeout` settles: a request never hangs on an owner that does not answer. */
function withTimeout<T>(call: Promise<T>, timeout: Promise<void>, ms: number): Promise<T> {
  return Promise.race([call, timeout.then((): never => { throw new Error(`no answer within ${ms} ms`) })])
}
