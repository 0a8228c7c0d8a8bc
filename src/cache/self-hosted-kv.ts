/**
 * Workers KV for the self-hosted bundle. Plain workerd has no KV store of its own, but its
 * `kvNamespace` binding speaks an HTTP protocol to a service of our choosing; this Worker is
 * that service, and keeps the data in one Durable Object's SQLite (on disk with
 * `gateway serve --state`). The gateway uses the same binding API on Cloudflare and here.
 * KV's documented limits are enforced, so code that works here works on Cloudflare.
 *
 * Protocol (what workerd's binding sends): `GET /{key}?urlencoded=true` → the value, with
 * `CF-KV-Metadata` and `CF-Expiration` headers, or 404; `PUT /{key}?expiration_ttl=|expiration=`
 * with the value as body and `CF-KV-Metadata`; `DELETE /{key}`; `GET /?prefix=&cursor=&key_count_limit=`
 * → `{keys: [{name, expiration, metadata}], list_complete, cursor}`; `POST /bulk/get`.
 */

import type { KvStore } from './kv-store-object'

export { KvStore } from './kv-store-object'

interface Env {
  STORE: DurableObjectNamespace<KvStore>
}

const limits = { keyBytes: 512, valueBytes: 25 * 1024 * 1024, metadataBytes: 1024, minTtlSeconds: 60, listKeys: 1000, bulkKeys: 100 }
const encoder = new TextEncoder()

class KvError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** One namespace, one object; its id is computed once per isolate. */
let storeId: DurableObjectId | undefined

/** The HTTP side: decodes workerd's KV requests and answers them from the store. */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      storeId ??= env.STORE.idFromName('CACHE')
      return await serve(request, env.STORE.get(storeId))
    } catch (e) {
      if (e instanceof KvError) return new Response(e.message, { status: e.status, statusText: e.message })
      throw e
    }
  },
} satisfies ExportedHandler<Env>

async function serve(request: Request, store: DurableObjectStub<KvStore>): Promise<Response> {
  const url = new URL(request.url)
  const now = Math.floor(Date.now() / 1000)
  const path = url.pathname
  if (request.method === 'POST' && path === '/bulk/get') return bulkGet(request, store, now)
  if (path === '/' || path === '') {
    if (request.method !== 'GET') throw new KvError(405, 'Method Not Allowed')
    return list(url, store, now)
  }
  // The binding waits until its request body is read, even when the answer is an error: read it first.
  const value = request.method === 'PUT' ? await readValue(request) : 0
  const key = keyOf(path, url.searchParams)
  switch (request.method) {
    case 'GET': {
      const found = await store.get(key, now)
      if (!found) return new Response('Not Found', { status: 404 })
      const headers = new Headers()
      if (found.expiration !== null) headers.set('CF-Expiration', String(found.expiration))
      if (found.metadata !== null) headers.set('CF-KV-Metadata', found.metadata)
      return new Response(found.value, { headers })
    }
    case 'PUT': {
      const { expiration, metadata } = putOptions(url.searchParams, request.headers.get('CF-KV-Metadata'), now)
      if (typeof value === 'number') throw new KvError(413, `Value length of ${value} exceeds limit of ${limits.valueBytes}.`)
      await store.put(key, value, expiration, metadata, now)
      return new Response(null)
    }
    case 'DELETE':
      await store.delete(key)
      return new Response(null)
    default:
      throw new KvError(405, 'Method Not Allowed')
  }
}

/** The value, or its length when it is over KV's limit (then read through without being kept). */
async function readValue(request: Request): Promise<ArrayBuffer | number> {
  const declared = Number(request.headers.get('content-length'))
  if (!(declared > limits.valueBytes)) {
    const value = await request.arrayBuffer()
    return value.byteLength > limits.valueBytes ? value.byteLength : value
  }
  let length = 0
  for await (const chunk of request.body ?? []) length += (chunk as Uint8Array).byteLength
  return length
}

function keyOf(path: string, query: URLSearchParams): string {
  let key = path.slice(1)
  if (query.get('urlencoded')?.toLowerCase() === 'true') {
    try {
      key = decodeURIComponent(key)
    } catch {
      throw new KvError(400, 'Could not URL-decode key name')
    }
  }
  if (key === '') throw new KvError(400, 'Key names must not be empty')
  if (key === '.' || key === '..') throw new KvError(400, `Illegal key name "${key}". Please use a different name.`)
  const bytes = encoder.encode(key).byteLength
  if (bytes > limits.keyBytes) throw new KvError(414, `UTF-8 encoded length of ${bytes} exceeds key length limit of ${limits.keyBytes}.`)
  return key
}

function putOptions(query: URLSearchParams, rawMetadata: string | null, now: number): { expiration: number | null; metadata: string | null } {
  let expiration: number | null = null
  const ttl = query.get('expiration_ttl')
  const at = query.get('expiration')
  if (ttl !== null) {
    const seconds = Number.parseInt(ttl)
    if (!(seconds >= limits.minTtlSeconds)) throw new KvError(400, `Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${limits.minTtlSeconds}.`)
    expiration = now + seconds
  } else if (at !== null) {
    expiration = Number.parseInt(at)
    if (!(expiration >= now + limits.minTtlSeconds)) {
      throw new KvError(400, `Invalid expiration of ${at}. Expiration times must be at least ${limits.minTtlSeconds} seconds in the future.`)
    }
  }
  if (rawMetadata !== null) {
    const bytes = encoder.encode(rawMetadata).byteLength
    if (bytes > limits.metadataBytes) throw new KvError(413, `Metadata length of ${bytes} exceeds limit of ${limits.metadataBytes}.`)
  }
  return { expiration, metadata: rawMetadata }
}

async function list(url: URL, store: DurableObjectStub<KvStore>, now: number): Promise<Response> {
  const query = url.searchParams
  const limit = query.has('key_count_limit') ? Number.parseInt(query.get('key_count_limit')!) : limits.listKeys
  if (!(limit >= 1 && limit <= limits.listKeys)) throw new KvError(400, `Invalid key_count_limit of ${query.get('key_count_limit')}.`)
  const cursor = query.get('cursor')
  const after = cursor ? decodeCursor(cursor) : ''
  const page = await store.list(query.get('prefix') ?? '', limit, after, now)
  const last = page.keys.at(-1)?.name
  return Response.json({
    keys: page.keys,
    list_complete: !page.more,
    ...(page.more && last !== undefined ? { cursor: encodeCursor(last) } : {}),
    cacheStatus: null,
  })
}

async function bulkGet(request: Request, store: DurableObjectStub<KvStore>, now: number): Promise<Response> {
  const { keys, type = 'text', withMetadata = false } = (await request.json()) as { keys: string[]; type?: string; withMetadata?: boolean }
  if (type !== 'text' && type !== 'json') throw new KvError(400, `"${type}" is not a valid type. Use "json" or "text"`)
  if (keys.length < 1 || keys.length > limits.bulkKeys) throw new KvError(400, `You can request between 1 and ${limits.bulkKeys} keys`)
  const out: Record<string, unknown> = {}
  const decoder = new TextDecoder()
  for (const key of keys) {
    const found = await store.get(keyOf(`/${encodeURIComponent(key)}`, new URLSearchParams('urlencoded=true')), now)
    const text = found ? decoder.decode(found.value) : null
    const value = text !== null && type === 'json' ? JSON.parse(text) : text
    out[key] = withMetadata && found ? { value, metadata: found.metadata === null ? null : JSON.parse(found.metadata) } : value
  }
  return Response.json(out)
}

const encodeCursor = (key: string) => btoa(String.fromCharCode(...encoder.encode(key)))
function decodeCursor(cursor: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(cursor), (c) => c.charCodeAt(0)))
  } catch {
    throw new KvError(400, 'Invalid cursor')
  }
}
