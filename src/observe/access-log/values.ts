import type { Invocation } from '../../invocation'
import type { GatewayError } from '../../gateway-responses/error'
import { catalogue } from '../../gateway-responses/catalogue'
import { contextOf, requestTime } from '../../context'
import { traceIdFor } from '../../integration/request-headers'
import type { Getter } from './format'

/** What an access-log line is written from: the invocation and how the request ended. */
export interface LogRecord {
  inv: Invocation
  status: number
  /** Body bytes sent. */
  length: number
  /** Milliseconds from receipt to response: the Latency metric's own figure. */
  latency: number
  failure?: GatewayError
}

/** The client-facing message of a failure (`$context.error.message`). */
export const errorMessage = (r: { failure?: GatewayError }) => {
  const f = r.failure
  return f && (f.options.message !== undefined ? f.options.message : catalogue[f.type].message)
}
const integrationError = (r: LogRecord) => (r.inv.integrationLatency !== undefined ? errorMessage(r) : undefined)

/** What every API type's record tells of how an event ended: its status, latency, failure and integration figures. */
export interface Outcome {
  status: number
  latency: number
  failure?: GatewayError
  inv: { integrationLatency?: number; integrationStatus?: number }
}

/**
 * The logs-only variables of §10.2 that every API type reads the same way from its record.
 * @example outcomeGetters<LogRecord>().status(record) // 200
 */
export function outcomeGetters<R extends Outcome>(): Record<string, Getter<R>> {
  return {
    status: (r) => r.status,
    responseLatency: (r) => r.latency,
    integrationLatency: (r) => r.inv.integrationLatency,
    'integration.latency': (r) => r.inv.integrationLatency,
    integrationStatus: (r) => r.inv.integrationStatus,
    'integration.status': (r) => r.inv.integrationStatus,
    'integration.integrationStatus': (r) => r.inv.integrationStatus,
    'error.message': errorMessage,
    'error.messageString': (r) => {
      const message = errorMessage(r)
      return message === undefined || message === null ? undefined : JSON.stringify(message)
    },
    'error.responseType': (r) => r.failure?.type,
  }
}

/**
 * Variables read straight from the record, without building `$context`: the logs-only ones
 * (§10.2) and those the presets use. Anything else comes from `$context` as templates see it.
 */
const direct: Record<string, Getter<LogRecord>> = {
  ...outcomeGetters<LogRecord>(),
  responseLength: (r) => r.length,
  'integration.error': integrationError,
  integrationErrorMessage: integrationError,
  routeKey: (r) => r.inv.method && `${r.inv.method.httpMethod} ${r.inv.method.resourcePath}`,
  xrayTraceId: (r) => (r.inv.stage.tracingEnabled ? xrayTraceId(r.inv) : undefined),
  requestId: (r) => r.inv.requestId,
  extendedRequestId: (r) => r.inv.extendedRequestId,
  httpMethod: (r) => r.inv.httpMethod,
  resourcePath: (r) => r.inv.method?.resourcePath,
  protocol: () => 'HTTP/1.1',
  stage: (r) => r.inv.stage.name,
  apiId: (r) => r.inv.api.id,
  requestTime: (r) => clfTime(r.inv.startedAt),
  requestTimeEpoch: (r) => r.inv.startedAt,
  'identity.sourceIp': (r) => r.inv.sourceIp,
  'identity.userAgent': (r) => r.inv.headers['user-agent'],
  'identity.caller': () => undefined,
  'identity.user': () => undefined,
}

/**
 * The getter of one access-log variable, chosen once when the format is compiled.
 * @example getterFor('identity.sourceIp')(record) // '203.0.113.9'
 */
export function getterFor(name: string): Getter<LogRecord> {
  return Object.hasOwn(direct, name) ? direct[name] : contextGetter(name, (r) => contextOf(r.inv))
}

/**
 * A `$context` variable read from the record's context (built only when a line needs it): dotted
 * names walk it, and `authorizer.claims.<claim>` keeps a claim name that holds dots or colons whole.
 * @example contextGetter('identity.sourceIp', (r) => contextOf(r.inv))(record) // '203.0.113.9'
 */
export function contextGetter<R>(name: string, contextOf: (record: R) => unknown): Getter<R> {
  const path = name.startsWith('authorizer.claims.') ? ['authorizer', 'claims', name.slice(18)] : name.split('.')
  return (r) => walk(contextOf(r), path)
}

let timeSecond = -1
let timeText = ''

/** `$context.requestTime`, formatted once per second rather than per line. */
function clfTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000)
  if (second !== timeSecond) {
    timeSecond = second
    timeText = requestTime(second * 1000)
  }
  return timeText
}

/** The trace id integrations see (`Root=` of the client's X-Amzn-Trace-Id, else the one generated), without `Root=`. */
function xrayTraceId(inv: Invocation): string {
  const header = inv.headers['x-amzn-trace-id'] ?? traceIdFor(inv.requestId, inv.startedAt)
  return /Root=([^;]+)/.exec(header)?.[1] ?? header
}

/** A dotted `$context` name read from a context object (undefined where a step is missing). */
function walk(from: unknown, path: string[]): unknown {
  let at = from
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined
    at = (at as Record<string, unknown>)[key]
  }
  return at
}
