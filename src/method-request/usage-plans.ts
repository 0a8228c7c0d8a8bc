import type { Api, DefinedApiKey, Method, RouteTable, Stage, UsagePlan } from '../definitions/table'
import { StageMethodMap, stageMethods } from '../definitions/walk'
import type { Env } from '../env'
import type { KeyRecord, PlanLimits } from '../durable/api-key-object'
import { methodKey } from '../definitions/usage-plans'

/**
 * The route table's usage plans and keys, compiled once for the request path: for each stage
 * method, the plans covering it as JSON text; for each defined key, its record as JSON text. A
 * request's terms for the key's object are then two texts joined, never an object serialized.
 * @example
 * const plans = createPlanIndex(table)
 * await keyObject(env, value).admitTerms(Date.now(), plans.termsFor(inv.stage, inv.method, value, env))
 */
export function createPlanIndex(table: RouteTable) {
  const plansText = new StageMethodMap<string>()
  const planNames = new StageMethodMap<Set<string>>()
  for (const { api, stage, method } of stageMethods(table)) {
    if (!method.apiKeyRequired) continue
    const covering = table.usagePlans.flatMap((plan) => plan.apiStages.filter((s) => s.apiId === api.id && s.stage === stage.name).map((s) => [plan, s] as const))
    plansText.set(stage, method, JSON.stringify(covering.map(([plan, s]) => planLimits(api, stage, method, plan, s))))
    planNames.set(stage, method, new Set(covering.map(([plan]) => plan.name)))
  }
  const literalSeeds = new Map<string, string>()
  const envSeeds: [variable: string, seed: string][] = []
  for (const key of table.apiKeys) {
    const seed = JSON.stringify(recordOf(key))
    if (key.value !== undefined) literalSeeds.set(key.value, seed)
    else envSeeds.push([key.valueFrom!, seed])
  }

  return {
    /** What the key's object decides a request of this stage method by (`AdmitTerms` as JSON text). */
    termsFor(stage: Stage, method: Method, value: string, env: Env): string {
      const plans = plansText.get(stage, method) ?? '[]'
      // `valueFrom` keys are few, and read from the environment each time: it can change with a deploy.
      const seed = literalSeeds.get(value) ?? envSeeds.find(([variable]) => env[variable] === value)?.[1]
      return seed === undefined ? `{"plans":${plans}}` : `{"plans":${plans},"seed":${seed}}`
    },

    /**
     * The id of a key defined in routes/ that is enabled and on a plan covering this stage method;
     * undefined for any other value. For `throttlingFailOpen` when the key's object cannot answer:
     * keys made through the admin API live only in their objects, so without it they cannot be
     * told from a guess.
     */
    definedKeyId(stage: Stage, method: Method, value: string, env: Env): string | undefined {
      const key = table.apiKeys.find((k) => k.enabled && valueOf(k, env) === value)
      const covering = planNames.get(stage, method)
      return key && covering && key.usagePlans.some((plan) => covering.has(plan)) ? key.id : undefined
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

/** One plan as it applies to one stage method: its own throttle and quota, and the method's throttle in the plan. */
function planLimits(api: Api, stage: Stage, method: Method, plan: UsagePlan, apiStage: UsagePlan['apiStages'][number]): PlanLimits {
  const limit = apiStage.throttle[methodKey(method)] ?? apiStage.throttle[`${method.resourcePath}/*`]
  return {
    name: plan.name,
    ...(plan.throttle ? { throttle: plan.throttle } : {}),
    ...(limit ? { methodThrottle: { bucket: `${api.id}/${stage.name}${methodKey(method)}`, limit } } : {}),
    ...(plan.quota ? { quota: plan.quota } : {}),
  }
}

const recordOf = (k: DefinedApiKey): KeyRecord => ({ id: k.id, name: k.name, enabled: k.enabled, usagePlans: k.usagePlans })

/** A defined key's value: literal, or the environment variable `valueFrom` names (undefined when unset). */
function valueOf(key: DefinedApiKey, env: Env): string | undefined {
  if (key.value !== undefined) return key.value
  const fromEnv = env[key.valueFrom!]
  return typeof fromEnv === 'string' ? fromEnv : undefined
}
