import { Hono } from 'hono'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import { requireAdmin } from './auth'
import { apiKeysApi } from './apikeys'
import { usagePlansApi } from './usage-plans'
import { stageCacheApi } from './cache'
import { definitionsApi } from './definitions'
import { connectionsApi } from './connections'
import { createPlanIndex } from '../method-request/usage-plans'

/**
 * The control-plane API under `/_gateway/admin/`, behind the admin bearer token.
 * Each concern registers its routes from its own module.
 */
export function adminApi(table: RouteTable) {
  const admin = new Hono<{ Bindings: Env }>()
  admin.use('*', requireAdmin())
  admin.onError((e, c) => {
    // The control plane answers conflicts with a status (itty-durable's StatusError).
    const status = (e as { status?: number }).status
    if (status && status >= 400 && status < 500) return c.json({ message: e.message }, status as 400)
    console.error('admin API error', e)
    return c.json({ message: 'Internal server error' }, 500)
  })
  admin.notFound((c) => c.json({ message: 'Not Found' }, 404))
  const plans = createPlanIndex(table)
  admin.route('/apikeys', apiKeysApi(table, plans))
  admin.route('/usageplans', usagePlansApi(table, plans))
  admin.route('/stages', stageCacheApi(table))
  admin.route('/apis', definitionsApi(table))
  admin.route('/connections', connectionsApi(table))
  return admin
}
