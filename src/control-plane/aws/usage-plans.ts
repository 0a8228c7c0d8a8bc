import { Hono } from 'hono'
import { z } from 'zod'
import type { RouteTable, UsagePlan } from '../../definitions/table'
import type { Env } from '../../env'
import type { PlanIndex } from '../../method-request/usage-plans'
import { changeKey, listKeys, type KeyView } from '../keys'
import { badRequest, conflict, notFound, readBody } from './errors'
import { page } from './paging'
import { findPlan, plansById, usagePlanId, usagePlanKeyShape, usagePlanShape } from './shapes'
import { usageOperations } from './usage'

const createUsagePlanKeyBody = z.strictObject({ keyId: z.string().min(1), keyType: z.string() })

/**
 * AWS's usage plan operations (`/usageplans`): GetUsagePlans, GetUsagePlan, and the plan's keys
 * (CreateUsagePlanKey, GetUsagePlanKeys, GetUsagePlanKey, DeleteUsagePlanKey). Plans come from
 * routes/ with ids derived from their names; they are not created at run time.
 * @example aws.route('/usageplans', usagePlansOperations(table, plans))
 */
export function usagePlansOperations(table: RouteTable, plans: PlanIndex) {
  const app = new Hono<{ Bindings: Env }>()
  const byId = plansById(table)
  const planOf = (id: string) => findPlan(byId, id)
  const membersOf = async (env: Env, plan: UsagePlan) => (await listKeys(env, plans)).filter((k) => k.usagePlans.includes(plan.name))
  const sorted = [...table.usagePlans].sort((a, b) => usagePlanId(a.name).localeCompare(usagePlanId(b.name)))

  app.get('/', async (c) => {
    const keyId = c.req.query('keyId')
    let listed = sorted
    if (keyId !== undefined) {
      const key = (await listKeys(c.env, plans)).find((k) => k.id === keyId)
      listed = key ? sorted.filter((p) => key.usagePlans.includes(p.name)) : []
    }
    const { item, position } = page(listed, (p) => usagePlanId(p.name), c.req.query('position'), c.req.query('limit'))
    return c.json({ ...(position ? { position } : {}), item: item.map(usagePlanShape) })
  })

  app.get('/:usagePlanId', (c) => c.json(usagePlanShape(planOf(c.req.param('usagePlanId')))))

  app.post('/:usagePlanId/keys', async (c) => {
    const body = await readBody(c, createUsagePlanKeyBody)
    if (body.keyType !== 'API_KEY') throw badRequest(`Invalid key type ${body.keyType}: must be API_KEY`)
    const plan = planOf(c.req.param('usagePlanId'))
    const key = (await listKeys(c.env, plans)).find((k) => k.id === body.keyId)
    if (!key) throw notFound('Invalid API Key identifier specified')
    const planId = usagePlanId(plan.name)
    if (key.usagePlans.includes(plan.name)) throw conflict(`API Key ${key.id} is already associated with Usage Plan ${planId}`)
    // AWS refuses a key on two plans for one stage: which plan's limits apply would be ambiguous.
    const shared = sharedStage(table, key.usagePlans, plan)
    if (shared) throw conflict(`Usage Plan ${planId} cannot be added because API Key ${key.id} cannot reference multiple Usage Plans with the same API Stage: ${shared}`)
    const changed = await changeKey(c.env, key, { usagePlans: [...key.usagePlans, plan.name] })
    return c.json(usagePlanKeyShape(changed), 201)
  })

  app.get('/:usagePlanId/keys', async (c) => {
    const prefix = c.req.query('name')
    const members = (await membersOf(c.env, planOf(c.req.param('usagePlanId'))))
      .filter((k) => prefix === undefined || k.name.startsWith(prefix))
      .sort((a, b) => a.id.localeCompare(b.id))
    const { item, position } = page(members, (k) => k.id, c.req.query('position'), c.req.query('limit'))
    return c.json({ ...(position ? { position } : {}), item: item.map(usagePlanKeyShape) })
  })

  app.get('/:usagePlanId/keys/:keyId', async (c) => c.json(usagePlanKeyShape(await memberOf(c.env, planOf(c.req.param('usagePlanId')), c.req.param('keyId')))))

  app.delete('/:usagePlanId/keys/:keyId', async (c) => {
    const plan = planOf(c.req.param('usagePlanId'))
    const key = await memberOf(c.env, plan, c.req.param('keyId'))
    await changeKey(c.env, key, { usagePlans: key.usagePlans.filter((p) => p !== plan.name) })
    return c.body(null, 202)
  })

  const memberOf = async (env: Env, plan: UsagePlan, keyId: string): Promise<KeyView> => {
    const key = (await membersOf(env, plan)).find((k) => k.id === keyId)
    if (!key) throw notFound('Invalid Usage Plan Key identifier specified')
    return key
  }

  app.route('/', usageOperations(byId, plans, memberOf))
  return app
}

/** `apiId:stage` of a stage `plan` covers that one of the key's plans covers too, if any. */
function sharedStage(table: RouteTable, keyPlans: string[], plan: UsagePlan): string | undefined {
  const stages = new Set(plan.apiStages.map((s) => `${s.apiId}:${s.stage}`))
  for (const other of table.usagePlans) {
    if (!keyPlans.includes(other.name)) continue
    const shared = other.apiStages.find((s) => stages.has(`${s.apiId}:${s.stage}`))
    if (shared) return `${shared.apiId}:${shared.stage}`
  }
  return undefined
}
