import { Hono } from 'hono'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import { requireAdmin } from './auth'

/**
 * The control-plane API under `/_gateway/admin/`, behind the admin bearer token.
 * Each concern registers its routes from its own module.
 */
export function adminApi(_table: RouteTable) {
  const admin = new Hono<{ Bindings: Env }>()
  admin.use('*', requireAdmin())
  admin.onError((e, c) => {
    console.error('admin API error', e)
    return c.json({ message: 'Internal server error' }, 500)
  })
  admin.notFound((c) => c.json({ message: 'Not Found' }, 404))
  return admin
}
