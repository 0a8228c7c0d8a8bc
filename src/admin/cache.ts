import { Hono } from 'hono'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import { flushStage } from '../cache/store'
import { stagePrefix } from '../cache/key'
import { forgetStage } from '../cache'

/**
 * `DELETE /_gateway/admin/stages/{stage}/cache[?apiId=]`: AWS's FlushStageCache. Answers 202
 * with the number of entries deleted; `complete: false` means the platform cut the work short
 * and calling again finishes it. `apiId` is needed only when several APIs have the stage.
 * @example admin.route('/stages', stageCacheApi(table))
 */
export function stageCacheApi(table: RouteTable) {
  const app = new Hono<{ Bindings: Env }>()
  app.delete('/:stage/cache', async (c) => {
    const stage = c.req.param('stage')
    const apiId = c.req.query('apiId')
    if (apiId !== undefined && !table.apis.some((a) => a.id === apiId)) return c.json({ message: `no API "${apiId}"` }, 404)
    const apis = table.apis.filter((a) => (apiId === undefined || a.id === apiId) && Object.hasOwn(a.stages, stage))
    if (apis.length === 0) return c.json({ message: `no stage "${stage}"${apiId ? ` in API "${apiId}"` : ''}` }, 404)
    if (apis.length > 1) {
      return c.json({ message: `stage "${stage}" is in several APIs (${apis.map((a) => a.id).join(', ')}): name one with ?apiId=` }, 400)
    }
    if (!c.env.CACHE) return c.json({ message: 'no cache store: the Worker has no CACHE (Workers KV) binding' }, 503)
    const api = apis[0]
    forgetStage(stagePrefix(api.id, stage))
    const result = await flushStage(c.env.CACHE, api.id, stage)
    return c.json({ apiId: api.id, stage, ...result }, 202)
  })
  return app
}
