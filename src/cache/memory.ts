import type { CacheEntry } from './store'

/** What one isolate may hold in memory in front of KV. */
const budgetBytes = 16 * 1024 * 1024

interface Held {
  entry: CacheEntry
  /** Epoch ms after which KV is asked again (never later than the entry's own expiry). */
  until: number
  size: number
}

/**
 * Hot entries in this isolate's memory, in front of Workers KV: a hit here costs no KV read.
 * Each is held for at most the stage's `cacheMemoryTtlInSeconds` and never past its expiry;
 * the least recently used go first once the isolate holds 16 MB. Keys are cache identities
 * (`{apiId}/{stage}/…`), so a flush drops a stage by prefix.
 * @example
 * memory.put(identity, entry, Date.now() + 10_000)
 * memory.get(identity, Date.now())
 */
export class MemoryTier {
  private readonly held = new Map<string, Held>()
  private bytes = 0

  get(identity: string, now: number): CacheEntry | undefined {
    const h = this.held.get(identity)
    if (!h) return undefined
    if (h.until <= now) {
      this.drop(identity, h)
      return undefined
    }
    // Most recently used last: eviction takes from the front.
    this.held.delete(identity)
    this.held.set(identity, h)
    return h.entry
  }

  put(identity: string, entry: CacheEntry, until: number) {
    const size = entry.body.byteLength + 256
    const old = this.held.get(identity)
    if (old) this.drop(identity, old)
    if (size > budgetBytes / 8) return
    this.held.set(identity, { entry, until: Math.min(until, entry.expiresAt), size })
    this.bytes += size
    for (const [k, h] of this.held) {
      if (this.bytes <= budgetBytes) break
      this.drop(k, h)
    }
  }

  /** Forgets one identity, or every identity that starts with `prefix` (a stage). */
  forget(prefix: string, exact = false) {
    if (exact) {
      const h = this.held.get(prefix)
      if (h) this.drop(prefix, h)
      return
    }
    for (const [k, h] of this.held) if (k.startsWith(prefix)) this.drop(k, h)
  }

  private drop(identity: string, h: Held) {
    this.held.delete(identity)
    this.bytes -= h.size
  }
}
