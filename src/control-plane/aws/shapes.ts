import type { RouteTable, UsagePlan } from '../../definitions/table'
import { resourceId } from '../../definitions/ids'
import type { KeyView } from '../keys'
import { notFound } from './errors'

/** Dates as AWS's restJson sends them: seconds since the epoch (the SDK parses them into Dates). */
export const epochSeconds = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000)

/** A usage plan's id: derived from its name, so it is the same on every deploy of the same routes/. */
export const usagePlanId = (name: string) => resourceId(`usageplan:${name}`)

/**
 * The usage plans of the route table, findable by AWS id.
 * @example const plan = plansById(table).get(c.req.param('usagePlanId'))
 */
export function plansById(table: RouteTable): Map<string, UsagePlan> {
  return new Map(table.usagePlans.map((p) => [usagePlanId(p.name), p]))
}

/** The plan with this id, or AWS's 404. */
export function findPlan(byId: Map<string, UsagePlan>, id: string): UsagePlan {
  const plan = byId.get(id)
  if (!plan) throw notFound('Invalid Usage Plan ID specified')
  return plan
}

/** AWS's `ApiKey`; the value only when asked for (`includeValue(s)=true`). */
export function apiKeyShape(key: KeyView, withValue: boolean) {
  return {
    id: key.id,
    ...(withValue && key.value !== undefined ? { value: key.value } : {}),
    name: key.name,
    ...(key.description !== undefined ? { description: key.description } : {}),
    enabled: key.enabled,
    ...(key.createdDate !== undefined ? { createdDate: epochSeconds(key.createdDate) } : {}),
    ...(key.createdDate !== undefined ? { lastUpdatedDate: epochSeconds(key.lastUpdatedDate ?? key.createdDate) } : {}),
    stageKeys: [],
  }
}

/** AWS's `UsagePlan`. */
export function usagePlanShape(plan: UsagePlan) {
  return {
    id: usagePlanId(plan.name),
    name: plan.name,
    apiStages: plan.apiStages.map((s) => ({
      apiId: s.apiId,
      stage: s.stage,
      ...(Object.keys(s.throttle).length ? { throttle: Object.fromEntries(Object.entries(s.throttle).map(([m, t]) => [m, throttleShape(t)])) } : {}),
    })),
    ...(plan.throttle ? { throttle: throttleShape(plan.throttle) } : {}),
    ...(plan.quota ? { quota: { limit: plan.quota.limit, offset: plan.quota.offset, period: plan.quota.period } } : {}),
  }
}

const throttleShape = (t: { rateLimit: number; burstLimit: number }) => ({ burstLimit: t.burstLimit, rateLimit: t.rateLimit })

/** AWS's `UsagePlanKey`: a key as a member of a plan. */
export const usagePlanKeyShape = (key: KeyView) => ({ id: key.id, type: 'API_KEY', ...(key.value !== undefined ? { value: key.value } : {}), name: key.name })
