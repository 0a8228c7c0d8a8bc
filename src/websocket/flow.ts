import type { Api, RouteTable, Stage } from '../definitions/table'
import type { Env } from '../env'
import type { ConnectionState } from './connection'
import type { WebSocketInvocation } from './invocation'
import { newRequestIds, sourceIpOf, splitRequestUrl } from '../invocation'
import { createApiSelector } from '../router/select-api'
import { GatewayError } from '../gateway-responses/error'
import { renderGatewayResponse, toGatewayError } from '../gateway-responses/render'
import { readClientHeaders } from '../method-request/limits'
import { objectNamed } from '../durable/object-ids'
import { connectionHeader } from '../durable/websocket-connection'
import { compileWebSocketApis } from './routes'
import { createConnectAuthorizer } from './authorizer'
import { createManagementApi } from './management'
import { headerBudgetBytes, newConnectionId, shardName } from './connection'
import { withholdGatewayCredentials } from '../method-request/gateway-credentials'
import { createWebSocketKeys } from './api-key'
import { countWebSocket, runIntegration } from './metrics'
import { createWebSocketAccessLog } from './access-log'

const managementPath = /^\/(?:@|%40)connections\/([^/]+)$/i

/**
 * WebSocket APIs, compiled once from the route table: a request for one is either the
 * `@connections` management API or a handshake. The handshake reads as AWS documents it:
 * select API and stage → `$connect` authorizer → API key → `$connect` integration (a non-2xx
 * refuses the upgrade with that status) → the socket is accepted by the connection's shard,
 * whose object then runs every message and `$disconnect`. Every failure is rendered in one place.
 * Returns undefined for requests that are not for a WebSocket API.
 * @example
 * const websocket = createWebSocketFlow(table)
 * const response = websocket(request, env, ctx, request.url) ?? pipeline(request, env, ctx)
 */
export function createWebSocketFlow(table: RouteTable) {
  const selectApi = createApiSelector(table)
  const plans = compileWebSocketApis(table)
  const authorize = createConnectAuthorizer()
  const manage = createManagementApi()
  const keys = createWebSocketKeys(table)
  const logEvent = createWebSocketAccessLog(table)

  return function route(request: Request, env: Env, rawUrl: string): Promise<Response> | undefined {
    const url = splitRequestUrl(rawUrl)
    const target = selectApi(request.headers.get('host') ?? url.host, url.path)
    if (!target || target.api.protocol !== 'WEBSOCKET') return undefined
    if (!target.stage) return Promise.resolve(forbidden())
    const managed = managementPath.exec(target.resourcePath)
    if (managed) return manage(request, env, target.api, target.stage, managed[1], rawUrl)
    return connect(request, env, target.api, target.stage, target.resourcePath, url)
  }

  async function connect(request: Request, env: Env, api: Api, stage: Stage, resourcePath: string, url: { host: string; search: string }): Promise<Response> {
    const startedAt = Date.now()
    const { requestId, extendedRequestId } = newRequestIds()
    // Refusals before the `$connect` integration runs are AWS's ClientError; the integration's own are counted by runIntegration.
    let integrating = false
    // The event as logged, once the connection it would open has its id.
    let logged: WebSocketInvocation | undefined
    try {
      const plan = plans.get(api.id)!
      const staged = plan.stage(stage.name)!
      const settings = staged.settings
      if (resourcePath !== '/') throw forbiddenError()
      const headers = readClientHeaders(request)
      await withholdGatewayCredentials({ headers, env })
      if (headers.upgrade?.toLowerCase() !== 'websocket') throw new GatewayError('BAD_REQUEST_BODY', { status: 426, message: 'Upgrade Required', errorType: 'UpgradeRequiredException' })
      countWebSocket('ConnectCount', api.id, stage.name, '$connect')

      const shard = Math.floor(Math.random() * settings.connectionShards)
      const connection: ConnectionState = {
        connectionId: newConnectionId(shard),
        apiId: api.id,
        stage: stage.name,
        connectedAt: startedAt,
        lastActiveAt: startedAt,
        sourceIp: sourceIpOf(headers),
        userAgent: headers['user-agent'] ?? null,
        domainName: headers.host ?? url.host,
      }
      const connect = plan.routes.get('$connect')
      let upgradeHeaders: Record<string, string> | undefined
      const inv: WebSocketInvocation = {
        api,
        ws: plan.ws,
        stage,
        // No `$connect` route: the event is still logged, under its route key.
        route: connect?.route ?? ({ routeKey: '$connect' } as WebSocketInvocation['route']),
        eventType: 'CONNECT',
        connection,
        requestId,
        extendedRequestId,
        startedAt,
        body: '',
        headers,
        query: new URLSearchParams(url.search),
        env,
      }
      logged = inv
      if (connect) {
        let usageIdentifierKey: string | undefined
        if (connect.route.authorizer) {
          const result = await authorize(inv, plan.ws.authorizers[connect.route.authorizer])
          connection.authorizer = result.exposed
          usageIdentifierKey = result.usageIdentifierKey
          inv.context = undefined
        }
        if (connect.route.apiKeyRequired) await keys.connect(inv, staged.keyPlans, usageIdentifierKey)
        integrating = true
        const answer = await runIntegration(connect, inv)
        if (answer.status < 200 || answer.status > 299) {
          logEvent({ inv, status: answer.status, latency: Date.now() - startedAt })
          return new Response(null, { status: answer.status })
        }
        upgradeHeaders = answer.headers
      }
      const kept = JSON.stringify(headers)
      if (kept.length <= headerBudgetBytes) connection.headers = headers

      const shardObject = objectNamed(env.CONNECTIONS!, shardName(api.id, stage.name, shard))
      const accepted = await shardObject.fetch('https://connections/accept', {
        headers: { upgrade: 'websocket', [connectionHeader]: encodeURIComponent(JSON.stringify(connection)) },
      })
      logEvent({ inv, status: accepted.webSocket ? 200 : accepted.status, latency: Date.now() - startedAt })
      if (!accepted.webSocket || !upgradeHeaders || Object.keys(upgradeHeaders).length === 0) return accepted
      return new Response(null, { status: 101, webSocket: accepted.webSocket, headers: upgradeHeaders })
    } catch (e) {
      const failure = toGatewayError(e)
      const refusal = renderGatewayResponse(failure, { api, requestId, extendedRequestId })
      if (logged) logEvent({ inv: logged, status: refusal.status, failure, latency: Date.now() - startedAt })
      if (!integrating && refusal.status < 500) countWebSocket('ClientError', api.id, stage.name, '$connect')
      return refusal
    }
  }
}

const forbiddenError = () => new GatewayError('MISSING_AUTHENTICATION_TOKEN', { message: 'Forbidden', errorType: 'ForbiddenException' })
const forbidden = () => renderGatewayResponse(forbiddenError(), { requestId: crypto.randomUUID(), extendedRequestId: '' })
