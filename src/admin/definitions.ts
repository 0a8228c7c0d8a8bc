import { Hono } from 'hono'
import type { Api, RouteTable } from '../definitions/table'
import type { Env } from '../env'
import { methodsOf } from '../definitions/walk'

/** One route as the dashboard lists it: REST and HTTP APIs by method and resource, WebSocket by route key. */
export interface RouteView {
  method?: string
  resource?: string
  routeKey?: string
  integration: string
  apiKeyRequired: boolean
  authorizer?: string
}

/** One API of the compiled definitions, without its templates, secrets or backend URIs. */
export interface ApiView {
  id: string
  name: string
  protocol: Api['protocol']
  file: string
  basePath?: string
  stages: string[]
  routes: RouteView[]
}

/**
 * What the dashboard lists of an API: its stages and routes. Backend URIs are left out (they
 * may carry credentials in query strings); the definition files hold them.
 * @example apiView(table.apis[0]).routes[0] // { method: 'GET', resource: '/pets', integration: 'http_proxy', … }
 */
export function apiView(api: Api): ApiView {
  const routes: RouteView[] = api.websocket
    ? Object.values(api.websocket.routes).map((r) => ({ routeKey: r.routeKey, integration: r.integration.type, apiKeyRequired: r.apiKeyRequired, ...(r.authorizer ? { authorizer: r.authorizer } : {}) }))
    : [...methodsOf(api)].map((m) => ({
        method: m.httpMethod,
        resource: m.resourcePath,
        ...(m.routeKey ? { routeKey: m.routeKey } : {}),
        integration: m.integration.type,
        apiKeyRequired: m.apiKeyRequired,
        ...(m.authorizer ? { authorizer: m.authorizer.name } : {}),
      }))
  return { id: api.id, name: api.title, protocol: api.protocol, file: api.file, ...(api.basePath ? { basePath: api.basePath } : {}), stages: Object.keys(api.stages), routes }
}

/**
 * `GET /_gateway/admin/apis`: the APIs of the compiled definitions, their stages and routes
 * (what the dashboard lists). Computed once: the table does not change while the Worker runs.
 * @example admin.route('/apis', definitionsApi(table))
 */
export function definitionsApi(table: RouteTable) {
  const items = table.apis.map(apiView)
  const app = new Hono<{ Bindings: Env }>()
  app.get('/', (c) => c.json({ items }))
  return app
}
