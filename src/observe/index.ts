import type { Api, RouteTable, Stage } from '../definitions/table'
import type { Invocation } from '../invocation'
import type { Env } from '../env'
import type { GatewayError } from '../gateway-responses/error'
import { StageMethodMap, stageMethods } from '../definitions/walk'
import { recordMetric, type MetricDimensions } from './metrics'
import { compileAccessLogFormat, type AccessLogFormat } from './access-log/format'
import { getterFor, type LogRecord } from './access-log/values'
import { createLineWriter } from './access-log/writer'
import { writeRequestPoint } from './analytics-engine'
import { countResponseBytes } from './access-log/response-length'
import { createSinkSelector } from './access-log/destinations'
import { closeExecutionLog } from './execution-log/lines'

/** What the flow knew about a request when it answered. */
export interface Answered {
  api?: Api
  invocation?: Invocation
  startedAt: number
  /** The gateway response's cause, when the flow failed. */
  failure?: GatewayError
  env: Env
  ctx?: ExecutionContext
}

/** CloudWatch's error metric names differ by API type: `4XXError` for REST, `4xx` for HTTP APIs. */
const errorNames = { REST: ['4XXError', '5XXError'], HTTP: ['4xx', '5xx'], WEBSOCKET: ['4xx', '5xx'] } as const

/**
 * The observe step, after the response (AWS's CloudWatch metrics and access logs): Count,
 * 4XX/5XX, Latency and IntegrationLatency for every request an API answered, gateway errors
 * included; the request's execution log when its method has one; one access-log line when the
 * stage has a format (also POSTed to its HTTP sink, if any); one Analytics Engine data point
 * when `GATEWAY_ANALYTICS` is bound. Dimensions and formats are compiled here, once.
 * `GATEWAY_METRICS=off` turns the in-process aggregation off (Analytics Engine only).
 * @example
 * const observe = createObserveStep(table)
 * return observe(response, { api, invocation: inv, startedAt, env, ctx })
 */
export function createObserveStep(table: RouteTable) {
  const byMethod = new StageMethodMap<MetricDimensions>()
  const byStage = new Map<Stage, MetricDimensions>()
  const byApi = new Map<Api, MetricDimensions>()
  const formats = new Map<Stage, AccessLogFormat<LogRecord>>()
  const writeLine = createLineWriter((text) => console.log(text))
  const sinkFor = createSinkSelector(table)
  const writeExecutionLog = createLineWriter((text) => console.log(text))
  for (const api of table.apis) {
    byApi.set(api, { apiId: api.id, stage: '' })
    for (const stage of Object.values(api.stages)) {
      byStage.set(stage, { apiId: api.id, stage: stage.name })
      if (stage.accessLogFormat) formats.set(stage, compileAccessLogFormat(stage.accessLogFormat, getterFor))
    }
  }
  for (const { api, stage, method } of stageMethods(table)) byMethod.set(stage, method, { apiId: api.id, stage: stage.name, method: `${method.httpMethod} ${method.resourcePath}` })

  /** One access-log line to the Worker's log, and to the stage's HTTP sink if it has one (drops counted per stage). */
  const writeAccessLog = (line: string, inv: Invocation, at: Answered, now: number) => {
    writeLine(line, at.ctx, now)
    const sink = sinkFor(inv.stage, at.env)
    if (sink) sink(line, at.env.GATEWAY_METRICS !== 'off' ? byStage.get(inv.stage) : undefined, at.ctx, now)
  }

  return function observe(response: Response, at: Answered): Response {
    const api = at.api
    if (!api) return response
    const inv = at.invocation
    const now = Date.now()
    const latency = now - at.startedAt
    const integrationLatency = inv?.integrationLatency
    const status = response.status
    if (at.env.GATEWAY_METRICS !== 'off') {
      const dimensions = inv ? (byMethod.get(inv.stage, inv.method) ?? byStage.get(inv.stage)!) : byApi.get(api)!
      const [clientError, serverError] = errorNames[api.protocol]
      recordMetric('Count', dimensions, 1, now)
      recordMetric(clientError, dimensions, status >= 400 && status < 500 ? 1 : 0, now)
      recordMetric(serverError, dimensions, status >= 500 ? 1 : 0, now)
      recordMetric('Latency', dimensions, latency, now)
      if (integrationLatency !== undefined) recordMetric('IntegrationLatency', dimensions, integrationLatency, now)
      if (api.protocol === 'HTTP') recordMetric('DataProcessed', dimensions, dataProcessed(inv, response), now)
    }
    const analytics = at.env.GATEWAY_ANALYTICS
    if (analytics) writeRequestPoint(analytics, api, inv?.stage, inv?.method, { status, latency, integrationLatency, cache: inv?.cacheResult })
    if (inv?.log) {
      // ERROR: a request that succeeded has no line to write.
      const lines = closeExecutionLog(inv.log, inv.requestId, status, at.failure)
      if (lines) writeExecutionLog(lines, at.ctx, now)
    }
    const format = inv && formats.get(inv.stage)
    if (!format) return response
    // Formatted once the length is known; written in batches off the response path (createLineWriter, the HTTP sink).
    const counted = countResponseBytes(response)
    const failure = at.failure
    if (typeof counted.length === 'number') writeAccessLog(format({ inv, status, length: counted.length, latency, failure }), inv, at, now)
    else at.ctx?.waitUntil(counted.length.then((length) => writeAccessLog(format({ inv, status, length, latency, failure }), inv, at, now)))
    return counted.response
  }
}

/** Request and response bytes as their Content-Length headers say (a streamed body without one counts 0). */
function dataProcessed(inv: Invocation | undefined, response: Response): number {
  return Number(inv?.headers['content-length'] ?? 0) + Number(response.headers.get('content-length') ?? 0)
}
