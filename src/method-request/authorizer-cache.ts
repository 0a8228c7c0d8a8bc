/**
 * The authorizer result cache (`authorizerResultTtlInSeconds`), per isolate: each Workers
 * isolate (and each `gateway serve` process) keeps its own, so a function may be invoked once
 * per isolate and identity within the TTL, where AWS invokes it once per stage. Only settled
 * results are kept: requests arriving while the first call is in flight make their own, because
 * workerd cancels a request that waits on another request's I/O. Failures are not kept.
 * @example const { value } = authorizerCache.get(key, 300, () => invoke())
 */
export class AuthorizerCache<T> {
  private entries = new Map<string, { expiresAt: number; value: T }>()

  constructor(private readonly maxEntries = 10_000) {
    // Known from setup on, so a flush reaches every cache of the isolate without touching the request path.
    live.add(new WeakRef(this))
  }

  get(key: string, ttlSeconds: number, load: () => Promise<T>, now = Date.now()): { value: Promise<T>; cached: boolean } {
    const held = this.entries.get(key)
    if (held && now < held.expiresAt) return { value: Promise.resolve(held.value), cached: true }
    if (held) this.entries.delete(key)
    const value = load()
    if (ttlSeconds > 0) {
      const expiresAt = now + ttlSeconds * 1000
      value.then(
        (settled) => {
          // The oldest entry goes first when full: Maps iterate in insertion order.
          if (!this.entries.has(key) && this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
          this.entries.set(key, { expiresAt, value: settled })
        },
        () => {},
      )
    }
    return { value, cached: false }
  }

  get size() {
    return this.entries.size
  }

  /** Drops the entries whose key starts with `prefix`. */
  forget(prefix: string) {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key)
  }
}

const live = new Set<WeakRef<AuthorizerCache<unknown>>>()

/**
 * AWS's FlushStageAuthorizersCache for this isolate: drops every cached authorizer result of one
 * stage. Callers key entries `JSON.stringify([apiId, stage, …])`. Other isolates keep theirs until
 * their TTL ends (docs/control-plane.md).
 * @example forgetStageAuthorizers('a1b2c3d4e5', 'prod')
 */
export function forgetStageAuthorizers(apiId: string, stage: string) {
  const prefix = JSON.stringify([apiId, stage]).slice(0, -1) + ','
  for (const ref of live) {
    const cache = ref.deref()
    if (cache) cache.forget(prefix)
    else live.delete(ref)
  }
}
