/**
 * The authorizer result cache (`authorizerResultTtlInSeconds`), per isolate: each Workers
 * isolate (and each `gateway serve` process) keeps its own, so a function may be invoked once
 * per isolate and identity within the TTL, where AWS invokes it once per stage. Concurrent
 * requests with one identity share one invocation; failures are not kept.
 * @example const output = await authorizerCache.get(key, 300, () => invoke())
 */
export class AuthorizerCache<T> {
  private entries = new Map<string, { expiresAt: number; value: Promise<T> }>()

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, ttlSeconds: number, load: () => Promise<T>, now = Date.now()): { value: Promise<T>; cached: boolean } {
    const held = this.entries.get(key)
    if (held && now < held.expiresAt) return { value: held.value, cached: true }
    if (held) this.entries.delete(key)
    const value = load()
    if (ttlSeconds <= 0) return { value, cached: false }
    // The oldest entry goes first when full: Maps iterate in insertion order.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    const entry = { expiresAt: now + ttlSeconds * 1000, value }
    this.entries.set(key, entry)
    value.catch(() => this.entries.get(key) === entry && this.entries.delete(key))
    return { value, cached: false }
  }

  get size() {
    return this.entries.size
  }
}
