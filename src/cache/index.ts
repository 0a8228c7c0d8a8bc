import type { RouteTable } from '../definitions/table'
import { StageMethodMap, stageMethods } from '../definitions/walk'
import type { Invocation } from '../invocation'
import { recordMetric, type MetricDimensions } from '../observe/metrics'
import { resolveMethodCache, kvValueLimitBytes, type MethodCache } from './settings'
import { cacheIdentity, kvKeyOf } from './key'
import { encodeEntry, readEntry, writeEntry, type CacheEntry } from './store'
import { invalidationIntent } from './invalidation'
import { collectUpTo, hitResponse, storableHeaders } from './response'
import { MemoryTier } from './memory'
import { missingBindingMessage } from '../durable/required-bindings'

export type Integrate = (inv: Invocation) => Promise<Response>

/** A cached method's settings and its metric dimensions, both fixed at setup. */
type CachedMethod = MethodCache & { dimensions: MetricDimensions }

/** Hot entries of this isolate (see MemoryTier); Workers KV stays the store of record. */
const memory = new MemoryTier()

/**
 * Entries collected in this isolate whose KV write has not finished: a request right behind a
 * miss is served from here instead of missing again while the write is in flight. Only whole
 * entries: a request never waits on another request's body (it could stream for ever).
 */
const pending = new Map<string, CacheEntry>()

/** Counts flushes in this isolate: a response collected across a flush is not stored. */
let flushes = 0

/**
 * The cache step (AWS's stage cache) around the integration: a hit is served from memory or
 * Workers KV without calling it; a miss calls it and stores the response on its way to the
 * client. Settings are resolved per stage and method once, here; uncached methods pay one
 * map lookup.
 * @example
 * const cache = createCacheStep(table)
 * const response = await cache(inv, integrations[inv.method.integration.type])
 */
export function createCacheStep(table: RouteTable) {
  const cached = new StageMethodMap<CachedMethod>()
  for (const { api, stage, method } of stageMethods(table)) {
    const settings = resolveMethodCache(stage, method)
    const dimensions = { apiId: api.id, stage: stage.name, method: `${method.httpMethod} ${method.resourcePath}` }
    if (settings) cached.set(stage, method, { ...settings, dimensions })
  }
  let warnedNoBinding = false

  return function cache(inv: Invocation, integrate: Integrate): Promise<Response> {
    const settings = cached.get(inv.stage, inv.method)
    if (!settings || (settings.getOnly && inv.httpMethod !== 'GET')) return integrate(inv)
    const kv = inv.env.CACHE
    if (!kv) {
      // A cache that cannot store costs speed, not correctness: serve, and say so once per isolate.
      if (!warnedNoBinding) console.error(missingBindingMessage('CACHE'))
      warnedNoBinding = true
      return integrate(inv)
    }
    return throughCache(inv, settings, kv, integrate)
  }
}

async function throughCache(inv: Invocation, settings: CachedMethod, kv: KVNamespace, integrate: Integrate): Promise<Response> {
  const intent = await invalidationIntent(inv, settings)
  const identity = cacheIdentity(inv, settings)
  const dimensions = settings.dimensions
  if (!intent.refresh) {
    const entry = await lookup(kv, identity, settings, dimensions)
    if (entry) {
      recordMetric('CacheHitCount', dimensions)
      inv.cacheResult = 'Hit'
      return hitResponse(entry, inv, { statusHeader: settings.statusHeader, warning: intent.warning })
    }
  }
  recordMetric('CacheMissCount', dimensions)
  inv.cacheResult = 'Miss'
  const response = store(inv, kv, identity, settings, await integrate(inv), dimensions)
  if (settings.statusHeader) response.headers.set('x-cache', 'Miss')
  if (intent.warning) response.headers.set('warning', intent.warning)
  return response
}

/** Memory, then an in-flight write, then KV. A KV read that fails is a miss: the integration serves. */
async function lookup(kv: KVNamespace, identity: string, settings: MethodCache, dimensions: MetricDimensions): Promise<CacheEntry | null> {
  const now = Date.now()
  const hot = memory.get(identity, now)
  if (hot) return hot
  const inFlight = pending.get(identity)
  if (inFlight && inFlight.expiresAt > now) return inFlight
  try {
    const entry = await readEntry(kv, await kvKeyOf(identity), now)
    if (entry && settings.memoryTtlSeconds > 0) memory.put(identity, entry, now + settings.memoryTtlSeconds * 1000)
    return entry
  } catch (e) {
    console.error('cache read failed; serving from the integration', e)
    recordMetric('CacheErrorCount', dimensions)
    return null
  }
}

/**
 * Passes the response on while a copy of it is stored, when its status is cached and it fits:
 * the body is teed, never held back from the client. The KV write happens after the response
 * (waitUntil); a failed write is logged and counted, never seen by the client.
 */
function store(inv: Invocation, kv: KVNamespace, identity: string, settings: MethodCache, response: Response, dimensions: MetricDimensions): Response {
  // A refresh replaces the entry: until the new one is collected, nothing stale is served from memory.
  memory.forget(identity, true)
  if (!settings.storesStatus(response.status)) return response
  const limit = Math.min(settings.maxEntryBytes, kvValueLimitBytes)
  const storedAt = Date.now()
  const flushesAtStart = flushes
  const head = { status: response.status, headers: storableHeaders(response.headers), storedAt, expiresAt: storedAt + settings.ttlSeconds * 1000 }
  let forClient = response
  let body: Promise<Uint8Array | null> = Promise.resolve(new Uint8Array(0))
  if (response.body) {
    const [toClient, toCache] = response.body.tee()
    forClient = new Response(toClient, response)
    body = collectUpTo(toCache, limit)
  }
  let entry: CacheEntry | undefined
  const write = body
    .then(async (bytes) => {
      if (!bytes || flushes !== flushesAtStart) return
      entry = { ...head, body: bytes }
      const value = encodeEntry(entry)
      if (value.byteLength > limit) return
      pending.set(identity, entry)
      if (settings.memoryTtlSeconds > 0) memory.put(identity, entry, Date.now() + settings.memoryTtlSeconds * 1000)
      await writeEntry(kv, await kvKeyOf(identity), value, entry)
    })
    .catch((e) => {
      console.error('cache write failed; the response was served uncached', e)
      recordMetric('CacheErrorCount', dimensions)
    })
    .finally(() => {
      if (entry && pending.get(identity) === entry) pending.delete(identity)
    })
  inv.ctx?.waitUntil(write)
  return forClient
}

/** Drops this isolate's hot and in-flight entries of a stage (`{apiId}/{stage}/`), so a flush holds here at once. */
export function forgetStage(prefix: string) {
  flushes++
  memory.forget(prefix)
  for (const key of pending.keys()) if (key.startsWith(prefix)) pending.delete(key)
}
