import { DurableObject } from 'cloudflare:workers'

/** Values are split into rows of this size (SQLite rows are capped at 2 MB in Durable Objects). */
const chunkBytes = 1024 * 1024

/** One stored value, as the KV protocol returns it. */
export interface Stored {
  value: ArrayBuffer
  expiration: number | null
  metadata: string | null
}

/** One KV namespace: `kv` holds each key with its first chunk, `kv_chunks` the rest of large values. */
export class KvStore extends DurableObject {
  private lastPurge = 0

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env)
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, head BLOB NOT NULL, chunks INTEGER NOT NULL, expiration INTEGER, metadata TEXT);
      CREATE TABLE IF NOT EXISTS kv_chunks (key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (key, seq))`)
  }

  get(key: string, now: number): Stored | null {
    const row = this.ctx.storage.sql
      .exec<{ head: ArrayBuffer; chunks: number; expiration: number | null; metadata: string | null }>(
        'SELECT head, chunks, expiration, metadata FROM kv WHERE key = ?',
        key,
      )
      .toArray()[0]
    if (!row || (row.expiration !== null && row.expiration <= now)) return null
    if (row.chunks === 0) return { value: row.head, expiration: row.expiration, metadata: row.metadata }
    const rest = this.ctx.storage.sql.exec<{ data: ArrayBuffer }>('SELECT data FROM kv_chunks WHERE key = ? ORDER BY seq', key).toArray()
    return { value: concat([row.head, ...rest.map((r) => r.data)]), expiration: row.expiration, metadata: row.metadata }
  }

  put(key: string, value: ArrayBuffer, expiration: number | null, metadata: string | null, now: number) {
    const sql = this.ctx.storage.sql
    this.ctx.storage.transactionSync(() => {
      sql.exec('DELETE FROM kv_chunks WHERE key = ?', key)
      const parts = Math.max(1, Math.ceil(value.byteLength / chunkBytes))
      sql.exec('INSERT OR REPLACE INTO kv VALUES (?, ?, ?, ?, ?)', key, value.slice(0, chunkBytes), parts - 1, expiration, metadata)
      for (let i = 1; i < parts; i++) sql.exec('INSERT INTO kv_chunks VALUES (?, ?, ?)', key, i, value.slice(i * chunkBytes, (i + 1) * chunkBytes))
    })
    // Expired rows go at most once a minute, on a write: reads never pay for it.
    if (now - this.lastPurge >= 60) {
      this.lastPurge = now
      sql.exec('DELETE FROM kv_chunks WHERE key IN (SELECT key FROM kv WHERE expiration <= ?)', now)
      sql.exec('DELETE FROM kv WHERE expiration <= ?', now)
    }
  }

  delete(key: string) {
    this.ctx.storage.sql.exec('DELETE FROM kv_chunks WHERE key = ?', key)
    this.ctx.storage.sql.exec('DELETE FROM kv WHERE key = ?', key)
  }

  /** Keys in byte order after the cursor (the last key of the previous page). */
  list(prefix: string, limit: number, after: string, now: number): { keys: { name: string; expiration?: number; metadata?: string }[]; more: boolean } {
    const rows = this.ctx.storage.sql
      .exec<{ key: string; expiration: number | null; metadata: string | null }>(
        'SELECT key, expiration, metadata FROM kv WHERE key > ? AND substr(key, 1, length(?)) = ? AND (expiration IS NULL OR expiration > ?) ORDER BY key LIMIT ?',
        after,
        prefix,
        prefix,
        now,
        limit + 1,
      )
      .toArray()
    const keys = rows.slice(0, limit).map((r) => ({
      name: r.key,
      ...(r.expiration !== null ? { expiration: r.expiration } : {}),
      ...(r.metadata !== null ? { metadata: r.metadata } : {}),
    }))
    return { keys, more: rows.length > limit }
  }
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let at = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), at)
    at += p.byteLength
  }
  return out.buffer
}
