import type { Api, DefinedApiKey, Method, Stage, Throttle, UsagePlan } from './table'
import type { ApiKeyDefinition, UsagePlanDefinition } from './schema'
import { resourceId } from './ids'

type Path = (string | number)[]
type Report = (file: string, path: Path, message: string) => void

/** AWS's account-level default, which applies where nothing narrower is set. */
export const accountThrottle: Throttle = { rateLimit: 10000, burstLimit: 5000 }

/** The throttling fields of a `methodSettings` or `routeSettings` entry. */
export type ThrottleSetting = { throttlingRateLimit?: number; throttlingBurstLimit?: number; throttlingShards?: number }

/** `methodSettings` throttling: a key with only one of the two limits keeps the account default for the other. */
export function compileStageThrottle(settings: Record<string, ThrottleSetting> | undefined) {
  const throttle: Record<string, Throttle> = {}
  for (const [key, s] of Object.entries(settings ?? {})) {
    if (s.throttlingRateLimit === undefined && s.throttlingBurstLimit === undefined) continue
    throttle[key] = {
      rateLimit: s.throttlingRateLimit ?? accountThrottle.rateLimit,
      burstLimit: s.throttlingBurstLimit ?? accountThrottle.burstLimit,
    }
    // At most one shard per token of burst (a route may inherit a shard count its own burst cannot fill).
    const shards = Math.min(s.throttlingShards ?? 1, throttle[key].burstLimit)
    if (shards > 1) throttle[key].shards = shards
  }
  return throttle
}

/** `/path/METHOD`: how `methodSettings` and a usage plan's `apiStages[].throttle` name a method. */
export const methodKey = (method: Method) => `${method.resourcePath}/${method.httpMethod}`

/**
 * A method's stage throttle: its own `methodSettings` entry, else the stage's `*\/*`; undefined
 * when neither sets a limit (the method then touches no throttle object).
 * @example stageLimitOf(stage, method) // { rateLimit: 50, burstLimit: 100 }
 */
export const stageLimitOf = (stage: Stage, method: Method): Throttle | undefined => stage.throttle[methodKey(method)] ?? stage.throttle['*/*']

export interface PlanSource {
  api: Api
  plans: UsagePlanDefinition[]
  keys: ApiKeyDefinition[]
}

/**
 * Usage plans and API keys across every file: a plan's `apiStages` name stages of the API
 * it is defined in; keys may join plans from any file. Names are unique gateway-wide.
 */
export function compileUsagePlans(sources: PlanSource[], report: Report): { usagePlans: UsagePlan[]; apiKeys: DefinedApiKey[] } {
  const usagePlans: UsagePlan[] = []
  const planFiles = new Map<string, string>()
  for (const { api, plans } of sources) {
    plans.forEach((plan, i) => {
      const at: Path = ['x-gateway', 'usagePlans', i]
      const twin = planFiles.get(plan.name)
      if (twin) return report(api.file, [...at, 'name'], `usage plan "${plan.name}" is also defined in ${twin}`)
      planFiles.set(plan.name, api.file)
      plan.apiStages.forEach((s, j) => {
        if (!api.stages[s.stage]) report(api.file, [...at, 'apiStages', j, 'stage'], `unknown stage "${s.stage}" (stages: ${Object.keys(api.stages).join(', ')})`)
        for (const key of Object.keys(s.throttle ?? {})) {
          if (!hasMethod(api, key)) report(api.file, [...at, 'apiStages', j, 'throttle', key], `no method ${key} in this API`)
        }
      })
      usagePlans.push({
        name: plan.name,
        apiStages: plan.apiStages.map((s) => ({ apiId: api.id, stage: s.stage, throttle: s.throttle ?? {} })),
        ...(plan.throttle ? { throttle: plan.throttle } : {}),
        ...(plan.quota ? { quota: { ...plan.quota, offset: plan.quota.offset ?? 0 } } : {}),
      })
    })
  }

  const apiKeys: DefinedApiKey[] = []
  const keyFiles = new Map<string, string>()
  const values = new Map<string, string>()
  for (const { api, keys } of sources) {
    keys.forEach((key, i) => {
      const at: Path = ['x-gateway', 'apiKeys', i]
      const twin = keyFiles.get(key.name)
      if (twin) return report(api.file, [...at, 'name'], `API key "${key.name}" is also defined in ${twin}`)
      keyFiles.set(key.name, api.file)
      const value = key.value ?? `$${key.valueFrom}`
      if (values.has(value)) report(api.file, at, `API key "${key.name}" has the same value as "${values.get(value)}"`)
      values.set(value, key.name)
      ;(key.usagePlans ?? []).forEach((plan, j) => {
        if (!planFiles.has(plan)) report(api.file, [...at, 'usagePlans', j], `unknown usage plan "${plan}"`)
      })
      apiKeys.push({
        id: resourceId(`apikey:${key.name}`),
        name: key.name,
        ...(key.value !== undefined ? { value: key.value } : { valueFrom: key.valueFrom }),
        enabled: key.enabled ?? true,
        usagePlans: key.usagePlans ?? [],
      })
    })
  }
  return { usagePlans, apiKeys }
}

/** `/pets/{id}/GET` names a method of the API (ANY covers every verb). */
export function hasMethod(api: Api, key: string): boolean {
  const slash = key.lastIndexOf('/')
  const path = key.slice(0, slash) || '/'
  const verb = key.slice(slash + 1)
  const resource = api.resources.find((r) => r.path === path)
  return !!resource && (verb === '*' || !!resource.methods[verb] || !!resource.methods.ANY)
}
