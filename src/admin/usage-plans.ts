import { Hono } from 'hono'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import type { PlanIndex } from '../method-request/usage-plans'
import type { QuotaUsage } from '../durable/api-key-object'
import { keyObject } from '../durable/key-object'
import { controlPlane } from '../control-plane/keys'

/**
 * `/_gateway/admin/usageplans`: the plans from routes/, and a key's quota use in the
 * current period (read from the key's own object, so it is exact).
 */
export function usagePlansApi(table: RouteTable, plans: PlanIndex) {
  const app = new Hono<{ Bindings: Env }>()

  app.get('/', (c) => c.json({ items: table.usagePlans }))

  app.get('/:name/usage', async (c) => {
    const plan = table.usagePlans.find((p) => p.name === c.req.param('name'))
    if (!plan) return c.json({ message: 'Invalid Usage Plan ID specified' }, 404)
    const keyId = c.req.query('keyId')
    if (!keyId) return c.json({ message: 'keyId: required' }, 400)
    if (!plan.quota) return c.json({ message: `usage plan "${plan.name}" has no quota to report` }, 400)

    const stored = await controlPlane(c.env).getKey(keyId)
    const defined = plans.definedKeys(c.env).find((k) => k.id === keyId)
    const value = stored?.value ?? defined?.resolvedValue
    if (!value) return c.json({ message: 'Invalid API Key identifier specified' }, 404)

    const usage = (await keyObject(c.env, value).usage(plan.name, plan.quota, Date.now())) as QuotaUsage
    return c.json({ usagePlanId: plan.name, keyId, period: plan.quota.period, ...usage })
  })

  return app
}
