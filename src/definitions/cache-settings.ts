import type { Api, MethodCacheSetting, StageCache } from './table'
import type { Document } from './schema'
import { hasMethod } from './usage-plans'
import { defaultMaxEntryBytes, defaultMemoryTtlSeconds, resolveMethodCache } from '../cache/settings'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void
type StageDefinition = NonNullable<NonNullable<Document['x-gateway']>['stages']>[string]

const anyMethod = 'x-amazon-apigateway-any-method'
const cacheFields = ['cachingEnabled', 'cacheTtlInSeconds', 'requireAuthorizationForCacheControl', 'unauthorizedCacheControlHeaderStrategy'] as const
const keyParameter = /^method\.request\.(querystring|header|path)\.(.+)$/

/**
 * `~1pets~1{id}/GET` (AWS's API spelling) → `/pets/{id}/GET`; other keys are kept.
 * @example normalizeMethodSettingKeys({ '~1pets/GET': s }) // { '/pets/GET': s }
 */
export function normalizeMethodSettingKeys<T>(settings: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!settings) return settings
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key.replace(/~1/g, '/').replace(/~0/g, '~'), value]))
}

/** The stage cache from `cacheClusterEnabled` and the caching fields of `methodSettings`. */
export function compileStageCache(stage: StageDefinition): StageCache | undefined {
  if (!stage.cacheClusterEnabled) return undefined
  const methodSettings: Record<string, MethodCacheSetting> = {}
  for (const [key, s] of Object.entries(normalizeMethodSettingKeys(stage.methodSettings) ?? {})) {
    const fields = Object.fromEntries(cacheFields.filter((f) => s[f] !== undefined).map((f) => [f, s[f]]))
    if (Object.keys(fields).length > 0) methodSettings[key] = fields
  }
  return {
    methodSettings,
    statusHeader: stage.cacheStatusHeader ?? false,
    sharedAcrossCallers: stage.cacheSharedAcrossCallers ?? false,
    statusCodes: (stage.cacheStatusCodes ?? ['2XX']).map((c) => c.toUpperCase()),
    maxEntryBytes: stage.cacheMaxEntryBytes ?? defaultMaxEntryBytes,
    memoryTtlSeconds: stage.cacheMemoryTtlInSeconds ?? defaultMemoryTtlSeconds,
  }
}

/**
 * Checks what the schema cannot: cache key parameters must name the method's request
 * parameters, and caching keys must name methods. Warns where AWS's behaviour surprises:
 * unlisted path parameters share one entry, and method caching without a stage cache is off.
 */
export function checkCacheSettings(doc: Document, api: Api, report: Report, warn: Report) {
  for (const resource of api.resources) {
    for (const method of Object.values(resource.methods)) {
      const at: Path = ['paths', resource.path, method.httpMethod === 'ANY' ? anyMethod : method.httpMethod.toLowerCase(), 'x-amazon-apigateway-integration']
      const declared = Object.keys(method.requestParameters)
      const listed = new Set<string>()
      method.integration.cacheKeyParameters.forEach((param, i) => {
        const m = keyParameter.exec(param)
        if (!m) return report([...at, 'cacheKeyParameters', i], `"${param}" is not method.request.{querystring|header|path}.NAME`)
        const match = declared.find((d) => (m[1] === 'header' ? d.toLowerCase() === param.toLowerCase() : d === param))
        if (!match) return report([...at, 'cacheKeyParameters', i], `${param} names no request parameter of this method; declare it in parameters`)
        listed.add(match)
      })
      const cachedIn = Object.values(api.stages).filter((stage) => resolveMethodCache(stage, method))
      if (cachedIn.length === 0) continue
      const shared = declared.filter((d) => d.startsWith('method.request.path.') && !listed.has(d))
      if (shared.length > 0) {
        const example = resource.path.replace(/\{[^}]+\}/, '1')
        warn(
          [...at, 'cacheKeyParameters'],
          `caching is on (stage ${cachedIn.map((s) => s.name).join(', ')}) but ${shared.join(', ')} is not a cache key parameter: ` +
            `${example} and ${resource.path.replace(/\{[^}]+\}/, '2')} share one cache entry, as on AWS`,
        )
      }
    }
  }

  for (const [name, stage] of Object.entries(doc['x-gateway']?.stages ?? {})) {
    for (const [key, s] of Object.entries(stage.methodSettings ?? {})) {
      if (!cacheFields.some((f) => s[f] !== undefined)) continue
      const at: Path = ['x-gateway', 'stages', name, 'methodSettings', key]
      const normal = key.replace(/~1/g, '/').replace(/~0/g, '~')
      if (normal !== '*/*' && !hasMethod(api, normal)) report(at, `no method ${normal} in this API`)
      if (s.cachingEnabled && !stage.cacheClusterEnabled) warn([...at, 'cachingEnabled'], `has no effect: stage ${name} has no cache (set cacheClusterEnabled: true)`)
    }
  }
}
