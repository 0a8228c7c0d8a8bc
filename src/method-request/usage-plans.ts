import type { DefinedApiKey, Method, RouteTable, Stage } from '../definitions/table'
import type { Env } from '../env'
import type { KeyRecord, PlanLimits } from '../durable/api-key-object'

/**
 * The route table's usage plans and keys, arranged once per isolate for the request path:
 * the plans covering each method, and the defined keys by value.
 */
export function createPlanIndex(table: RouteTable) {
  const byStage = new Map<string, RouteTable['usagePlans']>()
  for (const plan of table.usagePlans) {
    for (const s of plan.apiStages) {
      const key = `${s.apiId}\u0000${s.stage}`
      byStage.set(key, [...(byStage.get(key) ?? []), plan])
    }
  }
  const perMethod = new WeakMap<Method, Map<string, PlanLimits[]>>()
  let keysByValue: Map<string, DefinedApiKey> | undefined
  const terms = new WeakMap<Method, Map<string, string>>()

  return {
    /** The plans that cover this method of this stage, with any per-method throttle. */
    plansFor(apiId: string, stage: Stage, method: Method): PlanLimits[] {
      let byStageName = perMethod.get(method)
      if (!byStageName) perMethod.set(method, (byStageName = new Map()))
      let limits = byStageName.get(stage.name)
      if (!limits) {
        const methodKey = `${method.resourcePath}/${method.httpMethod}`
        limits = (byStage.get(`${apiId}\u0000${stage.name}`) ?? []).map((plan) => {
          const apiStage = plan.apiStages.find((s) => s.apiId === apiId && s.stage === stage.name)
          const methodThrottle = apiStage?.throttle[methodKey] ?? apiStage?.throttle[`${method.resourcePath}/*`]
          return {
            name: plan.name,
            ...(plan.throttle ? { throttle: plan.throttle } : {}),
            ...(methodThrottle ? { methodThrottle } : {}),
            ...(plan.quota ? { quota: plan.quota } : {}),
          }
        })
        byStageName.set(stage.name, limits)
      }
      return limits
    },

    /** The plans of this method and the key's definition as one JSON text, kept per stage and key. */
    termsFor(apiId: string, stage: Stage, method: Method, value: string, env: Env): string {
      let byKey = terms.get(method)
      if (!byKey) terms.set(method, (byKey = new Map()))
      const cacheKey = `${stage.name}\u0000${value}`
      let text = byKey.get(cacheKey)
      if (text === undefined) {
        if (byKey.size >= 10_000) byKey.clear()
        text = JSON.stringify({ plans: this.plansFor(apiId, stage, method), seed: this.definedKey(value, env) })
        byKey.set(cacheKey, text)
      }
      return text
    },

    /** The defined key with this value; `valueFrom` keys are read from the environment once. */
    definedKey(value: string, env: Env): KeyRecord | undefined {
      keysByValue ??= new Map(
        table.apiKeys.flatMap((k) => {
          const v = valueOf(k, env)
          return v ? [[v, k] as const] : []
        }),
      )
      const k = keysByValue.get(value)
      return k && { id: k.id, name: k.name, enabled: k.enabled, usagePlans: k.usagePlans }
    },

    /** Every defined key with its value, for the admin API. */
    definedKeys(env: Env): (DefinedApiKey & { resolvedValue?: string })[] {
      return table.apiKeys.map((k) => {
        const v = valueOf(k, env)
        return v === undefined ? k : { ...k, resolvedValue: v }
      })
    },
  }
}

export type PlanIndex = ReturnType<typeof createPlanIndex>

/** A defined key's value: literal, or the environment variable `valueFrom` names (undefined when unset). */
function valueOf(key: DefinedApiKey, env: Env): string | undefined {
  if (key.value !== undefined) return key.value
  const fromEnv = env[key.valueFrom!]
  return typeof fromEnv === 'string' ? fromEnv : undefined
}
