import { Hono } from 'hono'
import type { UsagePlan } from '../../definitions/table'
import type { Env } from '../../env'
import type { QuotaUsage } from '../../durable/api-key-object'
import type { PlanIndex } from '../../method-request/usage-plans'
import { keyObject } from '../../durable/key-object'
import { listKeys, type KeyView } from '../keys'
import { badRequest, readBody } from './errors'
import { findPlan } from './shapes'
import { countValue, patchOperations, replacements } from './patch'
import { page } from './paging'

const dayMs = 86_400_000
/** The longest range one GetUsage answers, so an answer stays bounded. */
const maxDays = 366

/**
 * AWS's GetUsage (`GET /usageplans/{id}/usage`) and UpdateUsage (`PATCH …/keys/{keyId}/usage`),
 * read from and written to each key's own object, so they are exact. The object keeps one count per
 * quota period, not a daily log: in `values`, the day holding now carries the period's
 * `[used, remaining]`, the other days `[0, remaining]` (docs/control-plane.md).
 * @example app.route('/', usageOperations(byId, plans, memberOf))
 */
export function usageOperations(
  byId: Map<string, UsagePlan>,
  plans: PlanIndex,
  memberOf: (env: Env, plan: UsagePlan, keyId: string) => Promise<KeyView>,
) {
  const app = new Hono<{ Bindings: Env }>()
  const planOf = (id: string) => findPlan(byId, id)

  app.get('/:usagePlanId/usage', async (c) => {
    const planId = c.req.param('usagePlanId')
    const plan = planOf(planId)
    const startDate = c.req.query('startDate')
    const endDate = c.req.query('endDate')
    const days = daysBetween(startDate, endDate)
    const keyId = c.req.query('keyId')
    const members = (await listKeys(c.env, plans))
      .filter((k) => k.usagePlans.includes(plan.name) && k.value !== undefined && (keyId === undefined || k.id === keyId))
      .sort((a, b) => a.id.localeCompare(b.id))
    const { item, position } = page(members, (k) => k.id, c.req.query('position'), c.req.query('limit'))
    const now = Date.now()
    const quota = plan.quota
    const values = quota
      ? Object.fromEntries(
          await Promise.all(item.map(async (k) => [k.id, dailyLog(days, (await keyObject(c.env, k.value!).usage(plan.name, quota, now)) as QuotaUsage, now)] as const)),
        )
      : {}
    return c.json({ usagePlanId: planId, startDate, endDate, ...(position ? { position } : {}), values })
  })

  app.patch('/:usagePlanId/keys/:keyId/usage', async (c) => {
    const planId = c.req.param('usagePlanId')
    const plan = planOf(planId)
    const { remaining } = replacements((await readBody(c, patchOperations)).patchOperations, { '/remaining': countValue })
    if (remaining === undefined) throw badRequest('Invalid patch operations: replace /remaining is required')
    if (!plan.quota) throw badRequest(`Usage Plan ${planId} has no quota`)
    const key = await memberOf(c.env, plan, c.req.param('keyId'))
    if (key.value === undefined) throw badRequest('This key takes its value from an environment variable that is not set')
    const now = Date.now()
    const usage = (await keyObject(c.env, key.value).setRemaining(plan.name, plan.quota, remaining, now)) as QuotaUsage
    const today = new Date(now).toISOString().slice(0, 10)
    return c.json({ usagePlanId: planId, startDate: today, endDate: today, values: { [key.id]: [[Math.max(0, usage.used), usage.remaining]] } })
  })

  return app
}

/** The UTC days from startDate to endDate (both `YYYY-MM-DD`, both included), as ms since the epoch. */
function daysBetween(startDate: string | undefined, endDate: string | undefined): number[] {
  const start = dayOf(startDate, 'startDate')
  const end = dayOf(endDate, 'endDate')
  if (end < start) throw badRequest('The endDate must not be before the startDate')
  if ((end - start) / dayMs >= maxDays) throw badRequest(`The date range must not exceed ${maxDays} days`)
  const days: number[] = []
  for (let d = start; d <= end; d += dayMs) days.push(d)
  return days
}

function dayOf(value: string | undefined, name: string): number {
  if (value === undefined) throw badRequest(`Invalid request input: ${name} is required`)
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN
  if (Number.isNaN(at)) throw badRequest(`Invalid ${name} ${value}: expected YYYY-MM-DD`)
  return at
}

/** One `[used, remaining]` pair per day; the period's count sits on the day holding now. */
function dailyLog(days: number[], usage: QuotaUsage, now: number): [number, number][] {
  const today = Math.floor(now / dayMs) * dayMs
  return days.map((d) => (d === today ? [Math.max(0, usage.used), usage.remaining] : [0, usage.remaining]))
}
