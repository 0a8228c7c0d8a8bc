import type { CacheControlStrategy, Method, MethodCacheSetting, Stage } from '../definitions/table'

/** AWS's defaults for a method-settings entry (`aws apigateway get-stage` prints them). */
export const cacheDefaults = {
  cacheTtlInSeconds: 300,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER' as CacheControlStrategy,
}

/** AWS's largest cache entry: 1 MB. */
export const defaultMaxEntryBytes = 1024 * 1024

/** How long an isolate serves a hot entry from memory before reading KV again (docs/configuration.md, Caching). */
export const defaultMemoryTtlSeconds = 10

/** Workers KV's value limit: the most an entry (status, headers and body) can ever hold. */
export const kvValueLimitBytes = 25 * 1024 * 1024

/** How one method of one stage is cached, resolved once from the stage and method settings. */
export interface MethodCache {
  ttlSeconds: number
  requireAuthorization: boolean
  strategy: CacheControlStrategy
  /** True when only GET requests are cached: caching came from a wildcard key, or the method is ANY. */
  getOnly: boolean
  /** `method.request.{querystring|header|path}.NAME`, in the order written. */
  keyParameters: string[]
  /** What stands for the resource in the key: `cacheNamespace`, else the resource path. */
  namespace: string
  statusHeader: boolean
  /** Whether callers an authorizer tells apart share entries (AWS's keying), or each principal has its own. */
  sharedAcrossCallers: boolean
  storesStatus: (status: number) => boolean
  maxEntryBytes: number
  memoryTtlSeconds: number
}

/**
 * The cache settings of `method` in `stage`, or undefined when it is not cached. Resolution
 * as on AWS: the method's own key, then `/path/*`, then `*\/*`, field by field over AWS's
 * defaults. A wildcard key turns caching on for GET methods only; any other method needs its
 * own key with `cachingEnabled: true`.
 * @example
 * resolveMethodCache(stage, method)?.ttlSeconds // 300
 */
export function resolveMethodCache(stage: Stage, method: Method): MethodCache | undefined {
  const cache = stage.cache
  if (!cache) return undefined
  const own = cache.methodSettings[`${method.resourcePath}/${method.httpMethod}`]
  const merged: MethodCacheSetting = { ...cacheDefaults }
  for (const layer of [cache.methodSettings['*/*'], cache.methodSettings[`${method.resourcePath}/*`], own]) {
    for (const [field, value] of Object.entries(layer ?? {})) if (value !== undefined) (merged as Record<string, unknown>)[field] = value
  }
  if (!merged.cachingEnabled || merged.cacheTtlInSeconds === 0) return undefined
  const explicit = own?.cachingEnabled === true
  if (!explicit && method.httpMethod !== 'GET' && method.httpMethod !== 'ANY') return undefined
  return {
    ttlSeconds: merged.cacheTtlInSeconds!,
    requireAuthorization: merged.requireAuthorizationForCacheControl!,
    strategy: merged.unauthorizedCacheControlHeaderStrategy!,
    getOnly: !explicit || method.httpMethod === 'GET',
    keyParameters: method.integration.cacheKeyParameters,
    namespace: method.integration.cacheNamespace ?? method.resourcePath,
    statusHeader: cache.statusHeader,
    sharedAcrossCallers: cache.sharedAcrossCallers,
    storesStatus: statusMatcher(cache.statusCodes),
    maxEntryBytes: cache.maxEntryBytes,
    memoryTtlSeconds: cache.memoryTtlSeconds,
  }
}

/** `["2XX", "404"]` → a predicate over status codes. */
export function statusMatcher(codes: string[]): (status: number) => boolean {
  const exact = new Set<number>()
  const classes = new Set<number>()
  for (const code of codes) {
    if (/xx$/i.test(code)) classes.add(Number(code[0]))
    else exact.add(Number(code))
  }
  return (status) => exact.has(status) || classes.has(Math.floor(status / 100))
}
