import type { Invocation } from '../invocation'
import type { CacheEntry } from './store'
import { httpDate } from '../method-response/headers'

/** Headers that belong to one response, never to a stored copy: each hit gets its own. */
const perResponse = new Set(['date', 'x-amzn-requestid', 'x-amz-apigw-id', 'x-amzn-trace-id', 'content-length', 'transfer-encoding', 'x-cache'])

/** The headers of an integration response worth keeping, in order. */
export function storableHeaders(headers: Headers): [string, string][] {
  const kept: [string, string][] = []
  for (const [name, value] of headers) if (!perResponse.has(name)) kept.push([name, value])
  return kept
}

/**
 * A cache hit as the client sees it: the stored status, headers and body, this request's own
 * ids and Date, and an `Age` that counts the time in the cache (on top of any Age the backend
 * sent), as HTTP requires of a cache.
 * @example return hitResponse(entry, inv, { statusHeader: true })
 */
export function hitResponse(entry: CacheEntry, inv: Invocation, options: { statusHeader: boolean; warning?: string }, now = Date.now()): Response {
  const headers = new Headers()
  for (const [name, value] of entry.headers) headers.append(name, value)
  const backendAge = Number(headers.get('age')) || 0
  headers.set('age', String(backendAge + Math.max(0, Math.floor((now - entry.storedAt) / 1000))))
  headers.set('date', httpDate(now))
  headers.set('x-amzn-RequestId', inv.requestId)
  headers.set('x-amz-apigw-id', inv.extendedRequestId)
  if (options.statusHeader) headers.set('x-cache', 'Hit')
  if (options.warning) headers.set('warning', options.warning)
  const bodyless = entry.status === 204 || entry.status === 205 || entry.status === 304 || inv.httpMethod === 'HEAD'
  return new Response(bodyless ? null : entry.body, { status: entry.status, headers })
}

/**
 * Reads a stream into one buffer, giving up (and cancelling it) past `limit` bytes.
 * @example const bytes = await collectUpTo(branch, 1 << 20) // null when larger
 */
export async function collectUpTo(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
