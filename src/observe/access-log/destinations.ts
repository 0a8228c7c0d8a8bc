import type { RouteTable, Stage } from '../../definitions/table'
import { variable, type Env } from '../../env'
import { createHttpSink, type SendLine } from './http-sink'
import { isSinkUrl } from './sink-url'

/**
 * Where each stage's access-log lines go besides the Worker's log: its own
 * `accessLogSettings.destinationUrl`, else `GATEWAY_ACCESS_LOG_URL`, else nowhere. Stages naming
 * the same URL share one sink (one queue, one failure streak). The environment reaches the Worker
 * with each request, so its sink is made when a request first names it.
 * @example
 * const sinkFor = createSinkSelector(table)
 * sinkFor(inv.stage, env)?.(line, dimensions, ctx, now)
 */
export function createSinkSelector(table: RouteTable) {
  const byUrl = new Map<string, SendLine>()
  const sinkAt = (url: string) => byUrl.get(url) ?? byUrl.set(url, createHttpSink(url)).get(url)!
  const byStage = new Map<Stage, SendLine>()
  for (const api of table.apis) {
    for (const stage of Object.values(api.stages)) if (stage.accessLogDestinationUrl) byStage.set(stage, sinkAt(stage.accessLogDestinationUrl))
  }
  let envUrl: string | undefined
  let envSink: SendLine | undefined

  return function sinkFor(stage: Stage, env: Env): SendLine | undefined {
    const own = byStage.get(stage)
    if (own) return own
    const url = variable(env.GATEWAY_ACCESS_LOG_URL)
    if (url !== envUrl) {
      envUrl = url
      envSink = url && isSinkUrl(url) ? sinkAt(url) : undefined
      if (url && !envSink) console.error(`GATEWAY_ACCESS_LOG_URL is not an http(s) URL; access-log lines go to the Worker's log only`)
    }
    return envSink
  }
}
