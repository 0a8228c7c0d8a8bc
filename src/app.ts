import { Hono } from 'hono'
import type { RouteTable } from './definitions/table'
import type { Env } from './env'

export function createGateway(table: RouteTable) {
  const app = new Hono<{ Bindings: Env }>()
  app.all('*', (c) => c.json({ apis: table.apis.length }))
  return app
}
