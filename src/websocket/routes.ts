import type { Api, RouteTable, Stage } from '../definitions/table'
import type { WebSocketApi, WebSocketRoute, WebSocketStage } from '../definitions/websocket-table'
import type { WebSocketInvocation } from './invocation'
import { webSocketIntegrations, type IntegrationResult } from './integration'
import { plansCovering } from '../method-request/usage-plans'

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
  stage(name: string): StagePlan | undefined
}

/** One stage of a WebSocket API: its settings, and the usage plans covering it as a key's object reads them. */
export interface StagePlan {
  stage: Stage
  settings: WebSocketStage
  /** `plansCovering` of this stage as JSON text, for keys on routes with `apiKeyRequired`. */
  keyPlans: string
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
    const stages = new Map<string, StagePlan>()
    for (const [name, settings] of Object.entries(ws.stages)) {
      if (Object.hasOwn(api.stages, name)) stages.set(name, { stage: api.stages[name], settings, keyPlans: JSON.stringify(plansCovering(table, api.id, name)) })
    }
    plans.set(api.id, {
      api,
      ws,
      routes,
      acceptsBinary: ws.routes.$default?.integration.contentHandling !== undefined,
      stage: (name) => stages.get(name),
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
