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

    /** The defined key with this value; `valueFrom` keys are read from the environment once. */
    definedKey(value: string, env: Env): KeyRecord | undefined {
      keysByValue ??= new Map(
        table.apiKeys.flatMap((k) => {
          const v = k.value ?? (typeof env[k.valueFrom!] === 'string' ? (env[k.valueFrom!] as string) : undefined)
          return v ? [[v, k] as const] : []
        }),
      )
      const k = keysByValue.get(value)
      return k && { id: k.id, name: k.name, enabled: k.enabled, usagePlans: k.usagePlans }
    },

    /** Every defined key with its value, for the admin API. */
    definedKeys(env: Env): (DefinedApiKey & { resolvedValue?: string })[] {
      return table.apiKeys.map((k) => {
        const v = k.value ?? (typeof env[k.valueFrom!] === 'string' ? (env[k.valueFrom!] as string) : undefined)
        return v === undefined ? k : { ...k, resolvedValue: v }
      })
    },
  }
}

export type PlanIndex = ReturnType<typeof createPlanIndex>
