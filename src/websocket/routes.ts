import type { Api, RouteTable, Stage } from '../definitions/table'
import type { WebSocketApi, WebSocketRoute, WebSocketStage } from '../definitions/websocket-table'
import type { WebSocketInvocation } from './invocation'
import { webSocketIntegrations, type IntegrationResult } from './integration'

/** One route, its integration compiled. */
export interface RoutePlan {
  route: WebSocketRoute
  run: (inv: WebSocketInvocation) => Promise<IntegrationResult>
}

/** One WebSocket API, every route's integration compiled once. */
export interface ApiPlan {
  api: Api
  ws: WebSocketApi
  routes: Map<string, RoutePlan>
  /** Binary frames are taken (as base64 text) only when `$default` converts them, else closed with 1003. */
  acceptsBinary: boolean
  stage(name: string): { stage: Stage; settings: WebSocketStage } | undefined
}

/**
 * Compiles every WebSocket API of the route table into plans keyed by API id: the handshake and
 * the connection objects look routes up by key and run them, never compiling on an event.
 * @example const plans = compileWebSocketApis(table); plans.get('chat')!.routes.get('$default')
 */
export function compileWebSocketApis(table: RouteTable): Map<string, ApiPlan> {
  const plans = new Map<string, ApiPlan>()
  for (const api of table.apis) {
    const ws = api.websocket
    if (!ws) continue
    const routes = new Map<string, RoutePlan>()
    for (const route of Object.values(ws.routes)) routes.set(route.routeKey, { route, run: webSocketIntegrations[route.integration.type](route.integration, api) })
    plans.set(api.id, {
      api,
      ws,
      routes,
      acceptsBinary: ws.routes.$default?.integration.contentHandling !== undefined,
      stage: (name) => (Object.hasOwn(api.stages, name) && Object.hasOwn(ws.stages, name) ? { stage: api.stages[name], settings: ws.stages[name] } : undefined),
    })
  }
  return plans
}

/**
 * The route a message selects: its custom key, or `$default` when the key matches no custom
 * route (or the message is not JSON); undefined when there is no `$default` either.
 * @example routeFor(plan, 'sendmessage')
 */
export function routeFor(plan: ApiPlan, key: string | undefined): RoutePlan | undefined {
  if (key !== undefined && key !== '' && (key === '$default' || !key.startsWith('$'))) {
    const found = plan.routes.get(key)
    if (found) return found
  }
  return plan.routes.get('$default')
}
