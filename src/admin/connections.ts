import { Hono } from 'hono'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import { objectNamed } from '../durable/object-ids'
import { shardName } from '../websocket/connection'

/** One WebSocket API stage's open connections, summed over its shards. */
export interface ConnectionCount {
  apiId: string
  apiName: string
  stage: string
  open: number
}

/**
 * `GET /_gateway/admin/connections`: open WebSocket connections per API and stage, asked of every
 * connection shard (each holds its own; an object asked wakes, its sockets stay hibernated).
 * Exact on every runtime, as the shards are the only record of who is connected.
 * @example admin.route('/connections', connectionsApi(table))
 */
export function connectionsApi(table: RouteTable) {
  const stages = table.apis.flatMap((api) =>
    Object.entries(api.websocket?.stages ?? {}).map(([stage, settings]) => ({ apiId: api.id, apiName: api.title, stage, shards: settings.connectionShards })),
  )
  const app = new Hono<{ Bindings: Env }>()
  app.get('/', async (c) => {
    const ns = c.env.CONNECTIONS
    if (!ns) return c.json({ items: [] })
    const items: ConnectionCount[] = await Promise.all(
      stages.map(async ({ shards, ...stage }) => {
        const counts = await Promise.all(Array.from({ length: shards }, (_, i) => objectNamed(ns, shardName(stage.apiId, stage.stage, i)).openCount()))
        return { ...stage, open: counts.reduce((n, k) => n + k, 0) }
      }),
    )
    return c.json({ items })
  })
  return app
}
