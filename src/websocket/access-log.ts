import type { RouteTable, Stage } from '../definitions/table'
import type { GatewayError } from '../gateway-responses/error'
import type { WebSocketInvocation } from './invocation'
import { compileAccessLogFormat, type AccessLogFormat, type Getter } from '../observe/access-log/format'
import { contextGetter, outcomeGetters } from '../observe/access-log/values'
import { createLineWriter } from '../observe/access-log/writer'
import { createSinkSelector } from '../observe/access-log/destinations'
import { webSocketContext } from './invocation'

/** What a WebSocket access-log line is written from: the event, its status and how it failed. */
export interface WebSocketLogRecord {
  /** The event; `route` is unset for a message no route took. */
  inv: WebSocketInvocation
  status: number
  failure?: GatewayError
  /** Milliseconds from the event's arrival to its end. */
  latency: number
}

/** The logs-only variables (§10.2), read from the record; the rest is the WebSocket `$context` (§2.8). */
const direct = outcomeGetters<WebSocketLogRecord>()

const getterFor = (name: string): Getter<WebSocketLogRecord> => (Object.hasOwn(direct, name) ? direct[name] : contextGetter(name, (r) => webSocketContext(r.inv)))

/**
 * AWS's WebSocket access logs: one line per `$connect`, message and `$disconnect` for stages with
 * `accessLogSettings.format`, to the log (stdout for `gateway serve`, Workers Logs) and the
 * stage's HTTP sink, batched as REST lines are. Formats are compiled once, here.
 * @example
 * const logEvent = createWebSocketAccessLog(table)
 * logEvent({ inv, status: 200, latency: 3 }, ctx)
 */
export function createWebSocketAccessLog(table: RouteTable) {
  const formats = new Map<Stage, AccessLogFormat<WebSocketLogRecord>>()
  for (const api of table.apis) {
    if (!api.websocket) continue
    for (const stage of Object.values(api.stages)) if (stage.accessLogFormat) formats.set(stage, compileAccessLogFormat(stage.accessLogFormat, getterFor))
  }
  const writeLine = createLineWriter((text) => console.log(text))
  const sinkFor = createSinkSelector(table)

  return function logEvent(record: WebSocketLogRecord, ctx?: ExecutionContext): void {
    const format = formats.get(record.inv.stage)
    if (!format) return
    const now = Date.now()
    const line = format(record)
    writeLine(line, ctx, now)
    sinkFor(record.inv.stage, record.inv.env)?.(line, { apiId: record.inv.api.id, stage: record.inv.stage.name }, ctx, now)
  }
}
