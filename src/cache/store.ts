import { stagePrefix } from './key'

/** One cached integration response. */
export interface CacheEntry {
  status: number
  /** In order, repeated names kept (e.g. several Set-Cookie). */
  headers: [string, string][]
  body: Uint8Array
  /** Epoch milliseconds. */
  storedAt: number
  expiresAt: number
}

/** Kept in the KV metadata, so the exact expiry holds even under KV's 60 s minimum TTL. */
interface EntryMetadata {
  expiresAt: number
  storedAt: number
}

/** Workers KV refuses an `expirationTtl` under 60 s; shorter TTLs are enforced from the metadata. */
export const kvMinimumTtlSeconds = 60

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The stored value: a 4-byte big-endian length, the JSON head (status, headers), then the
 * body bytes as they are (binary-safe, no base64).
 * @example encodeEntry(entry).byteLength <= settings.maxEntryBytes
 */
export function encodeEntry(entry: CacheEntry): Uint8Array {
  const head = encoder.encode(JSON.stringify({ status: entry.status, headers: entry.headers }))
  const out = new Uint8Array(4 + head.byteLength + entry.body.byteLength)
  new DataView(out.buffer).setUint32(0, head.byteLength)
  out.set(head, 4)
  out.set(entry.body, 4 + head.byteLength)
  return out
}

export function decodeEntry(value: ArrayBuffer, metadata: EntryMetadata): CacheEntry {
  const headLength = new DataView(value).getUint32(0)
  const head = JSON.parse(decoder.decode(new Uint8Array(value, 4, headLength))) as { status: number; headers: [string, string][] }
  return { ...head, body: new Uint8Array(value, 4 + headLength), storedAt: metadata.storedAt, expiresAt: metadata.expiresAt }
}

/** The live entry under `key`, or null when there is none or it has expired. KV errors propagate. */
export async function readEntry(kv: KVNamespace, key: string, now = Date.now()): Promise<CacheEntry | null> {
  const { value, metadata } = await kv.getWithMetadata<EntryMetadata>(key, 'arrayBuffer')
  if (value === null || !metadata || !(metadata.expiresAt > now)) return null
  return decodeEntry(value, metadata)
}

/** Stores an encoded entry; KV drops it at least 60 s later, the metadata hides it at `expiresAt`. */
export async function writeEntry(kv: KVNamespace, key: string, value: Uint8Array, entry: Pick<CacheEntry, 'storedAt' | 'expiresAt'>) {
  const ttl = Math.max(kvMinimumTtlSeconds, Math.ceil((entry.expiresAt - Date.now()) / 1000))
  const metadata: EntryMetadata = { expiresAt: entry.expiresAt, storedAt: entry.storedAt }
  await kv.put(key, value, { expirationTtl: ttl, metadata })
}

/**
 * Deletes every entry of a stage (AWS's FlushStageCache): KV has no prefix delete, so the
 * keys are listed a page at a time and deleted. Resolves to the number of entries deleted;
 * `complete` is false when the platform stopped the work (Cloudflare caps KV operations per
 * request) — calling again carries on.
 */
export async function flushStage(kv: KVNamespace, apiId: string, stage: string): Promise<{ deleted: number; complete: boolean }> {
  let deleted = 0
  let cursor: string | undefined
  try {
    do {
      const page = await kv.list({ prefix: stagePrefix(apiId, stage), cursor })
      for (let i = 0; i < page.keys.length; i += 50) {
        await Promise.all(page.keys.slice(i, i + 50).map((k) => kv.delete(k.name)))
        deleted += Math.min(50, page.keys.length - i)
      }
      cursor = page.list_complete ? undefined : page.cursor
    } while (cursor)
  } catch (e) {
    if (deleted === 0) throw e
    console.error(`cache flush of ${apiId}/${stage} stopped after ${deleted} entries`, e)
    return { deleted, complete: false }
  }
  return { deleted, complete: true }
}
