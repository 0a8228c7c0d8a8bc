import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import type { ConnectionState } from './connection'
import type { WebSocketInvocation } from './invocation'
import { newRequestIds } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { compileWebSocketApis, routeFor, type ApiPlan } from './routes'
import { evaluateSelection } from './selection-expression'
import { newMessageId, parsedBody } from './invocation'
import { closeCodes, errorFrame, isClientRefusal, statusOf } from './error-frame'
import { createWebSocketAccessLog } from './access-log'
import { createMessageThrottle } from './throttle'
import { createWebSocketKeys } from './api-key'
import { countWebSocket, runIntegration } from './metrics'

/** AWS's WebSocket limits: a frame is at most 32 KB, a message 128 KB. Workers hand over whole messages. */
export const maxFrameBytes = 32 * 1024

const encoder = new TextEncoder()

/**
 * What a connection object does with its sockets, compiled once from the route table: each
 * message through route selection and its route's integration (replying on two-way routes,
 * error frames on failures), closes by the gateway, and `$disconnect` exactly once per connection.
 * @example const flow = createConnectionFlow(table); await flow.message(ws, data, env)
 */
export function createConnectionFlow(table: RouteTable) {
  const plans = compileWebSocketApis(table)
  const admit = createMessageThrottle()
  const keys = createWebSocketKeys(table)
  const logEvent = createWebSocketAccessLog(table)
  // Connections whose `$disconnect` has run, in this object's lifetime (the attachment keeps the mark across hibernation).
  const ended = new Set<string>()

  async function message(ws: WebSocket, data: string | ArrayBuffer, env: Env, ctx?: ExecutionContext): Promise<void> {
    const connection = ws.deserializeAttachment() as ConnectionState | null
    if (!connection || connection.closing) return
    const plan = plans.get(connection.apiId)
    const staged = plan?.stage(connection.stage)
    if (!plan || !staged) return close(ws, closeCodes.goingAway, 'Going away', env)
    let body: string
    // A frame the gateway refuses is the client's error, before any route is selected.
    const refuse = (code: number, reason: string) => {
      countWebSocket('MessageCount', plan.api.id, connection.stage)
      countWebSocket('ClientError', plan.api.id, connection.stage)
      return close(ws, code, reason, env)
    }
    if (typeof data === 'string') {
      if (data.length > maxFrameBytes / 3 && encoder.encode(data).byteLength > maxFrameBytes) return refuse(closeCodes.tooBig, 'Message too big')
      body = data
    } else {
      if (!plan.acceptsBinary) return refuse(closeCodes.unsupportedData, 'Binary frames are not supported')
      if (data.byteLength > maxFrameBytes) return refuse(closeCodes.tooBig, 'Message too big')
      body = base64Of(new Uint8Array(data))
    }
    const startedAt = Date.now()
    connection.lastActiveAt = startedAt
    ws.serializeAttachment(connection)

    const { requestId, extendedRequestId } = newRequestIds()
    const inv: Omit<WebSocketInvocation, 'route'> & { route?: WebSocketInvocation['route'] } = {
      api: plan.api,
      ws: plan.ws,
      stage: staged.stage,
      eventType: 'MESSAGE',
      connection,
      requestId,
      extendedRequestId,
      startedAt,
      messageId: newMessageId(),
      body,
      headers: {},
      env,
    }
    // Refusals before the integration runs are AWS's ClientError; the integration's own are counted by runIntegration.
    let integrating = false
    let status = 200
    let failure: GatewayError | undefined
    try {
      const selected = routeFor(plan, evaluateSelection(plan.ws.routeSelection, body, parsedBody(inv as WebSocketInvocation)))
      countWebSocket('MessageCount', plan.api.id, connection.stage, selected?.route.routeKey)
      if (!selected) throw new GatewayError('MISSING_AUTHENTICATION_TOKEN')
      inv.route = selected.route
      if (!admit(plan.api.id, connection.stage, staged.settings, selected.route.routeKey, startedAt)) throw new GatewayError('THROTTLED')
      if (selected.route.apiKeyRequired) await keys.message(inv as WebSocketInvocation, staged.keyPlans)
      integrating = true
      const result = await runIntegration(selected, inv as WebSocketInvocation)
      status = result.status
      if (selected.route.twoWay && send(ws, result.body)) countWebSocket('MessageCount', plan.api.id, connection.stage, selected.route.routeKey)
    } catch (e) {
      if (!(e instanceof GatewayError)) console.error(`${plan.api.id} ${inv.route?.routeKey ?? '?'}: message failed`, e)
      if (!integrating && isClientRefusal(e)) countWebSocket('ClientError', plan.api.id, connection.stage, inv.route?.routeKey)
      send(ws, errorFrame(e, connection.connectionId, requestId))
      status = statusOf(e)
      if (e instanceof GatewayError) failure = e
    }
    logEvent({ inv: inv as WebSocketInvocation, status, failure, latency: Date.now() - startedAt }, ctx)
  }

  /** The client closed, or the TCP connection dropped (1006): `$disconnect` unless the gateway closed it first. */
  async function closed(ws: WebSocket, code: number, reason: string, env: Env, ctx?: ExecutionContext): Promise<void> {
    const connection = ws.deserializeAttachment() as ConnectionState | null
    if (!connection || connection.closing || ended.has(connection.connectionId)) return
    try {
      ws.close(code === 1005 || code === 1006 ? closeCodes.normal : code, reason)
    } catch {
      // already closed (the runtime may have answered the close frame itself)
    }
    await disconnect(connection, code, reason, env, ctx)
  }

  /** The gateway ends a connection (DELETE, timeouts, limits): close frame first, then `$disconnect`. */
  async function close(ws: WebSocket, code: number, reason: string, env: Env, ctx?: ExecutionContext): Promise<void> {
    const connection = ws.deserializeAttachment() as ConnectionState | null
    if (!connection || connection.closing || ended.has(connection.connectionId)) return
    connection.closing = true
    try {
      ws.serializeAttachment(connection)
      ws.close(code, reason)
    } catch {
      // the socket is gone already: $disconnect still runs once, below
    }
    await disconnect(connection, code, reason, env, ctx)
  }

  /** `$disconnect` (../shared/spec §9.4): after the connection is gone, once; its result is ignored. */
  async function disconnect(connection: ConnectionState, statusCode: number, reason: string, env: Env, ctx?: ExecutionContext): Promise<void> {
    if (ended.has(connection.connectionId)) return
    ended.add(connection.connectionId)
    if (ended.size > 100_000) ended.clear()
    const plan = plans.get(connection.apiId)
    const route = plan?.routes.get('$disconnect')
    const staged = plan?.stage(connection.stage)
    if (!plan || !route || !staged) return
    const { requestId, extendedRequestId } = newRequestIds()
    const inv: WebSocketInvocation = {
      api: plan.api,
      ws: plan.ws,
      stage: staged.stage,
      route: route.route,
      eventType: 'DISCONNECT',
      connection,
      requestId,
      extendedRequestId,
      startedAt: Date.now(),
      body: '',
      headers: connection.headers ?? {},
      disconnect: { statusCode, reason },
      env,
    }
    let status = 200
    let failure: GatewayError | undefined
    try {
      status = (await runIntegration(route, inv)).status
    } catch (e) {
      console.error(`${plan.api.id} $disconnect of ${connection.connectionId} failed`, e)
      status = statusOf(e)
      if (e instanceof GatewayError) failure = e
    }
    logEvent({ inv, status, failure, latency: Date.now() - inv.startedAt }, ctx)
  }

  return {
    message,
    closed,
    close,
    /** The stage settings a connection's deadlines come from. */
    settingsOf: (connection: ConnectionState) => plans.get(connection.apiId)?.stage(connection.stage)?.settings,
    plans: plans as ReadonlyMap<string, ApiPlan>,
  }
}

/** Sends unless the socket has closed meanwhile (a reply racing a close is dropped, as on AWS); false then. */
function send(ws: WebSocket, text: string): boolean {
  try {
    ws.send(text)
    return true
  } catch {
    return false
  }
}

function base64Of(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
