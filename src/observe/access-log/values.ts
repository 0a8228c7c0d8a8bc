import type { Invocation } from '../../invocation'
import type { GatewayError } from '../../gateway-responses/error'
import { catalogue } from '../../gateway-responses/catalogue'
import { contextOf } from '../../context'
import { traceIdFor } from '../../integration/request-headers'
import type { LookUp } from './format'

/**
 * Where an access-log line's variables come from: the logs-only values of this request
 * (status, lengths, latencies, the integration's outcome, the error, the trace id), then the
 * `$context` templates see. Built after the response, never on the request path.
 * @example format(accessLogLookUp(inv, response, { latency: 12, length: 120 }))
 */
export function accessLogLookUp(inv: Invocation, response: Response, at: { latency: number; length: number; failure?: GatewayError }): LookUp {
  const failure = at.failure
  const message = failure ? (failure.options.message !== undefined ? failure.options.message : catalogue[failure.type].message) : undefined
  const integrationLatency = inv.integrationLatency
  const logsOnly: Record<string, unknown> = {
    status: response.status,
    responseLength: at.length,
    responseLatency: at.latency,
    integrationLatency,
    integrationStatus: inv.integrationStatus,
    integration: {
      latency: integrationLatency,
      status: inv.integrationStatus,
      integrationStatus: inv.integrationStatus,
      error: failure && integrationLatency !== undefined ? message : undefined,
    },
    integrationErrorMessage: failure && integrationLatency !== undefined ? message : undefined,
    error: failure ? { message, messageString: message === undefined || message === null ? undefined : JSON.stringify(message), responseType: failure.type } : undefined,
    routeKey: inv.method ? `${inv.method.httpMethod} ${inv.method.resourcePath}` : undefined,
    xrayTraceId: inv.stage.tracingEnabled ? xrayTraceId(inv) : undefined,
  }
  return (path) => {
    const own = walk(logsOnly, path)
    return own !== undefined ? own : walk(contextOf(inv), path)
  }
}

/** The trace id integrations see (`Root=` of the client's X-Amzn-Trace-Id, else the one generated), without `Root=`. */
function xrayTraceId(inv: Invocation): string {
  const header = inv.headers['x-amzn-trace-id'] ?? traceIdFor(inv.requestId, inv.startedAt)
  return /Root=([^;]+)/.exec(header)?.[1] ?? header
}

function walk(from: unknown, path: string[]): unknown {
  let at = from
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return at
}
