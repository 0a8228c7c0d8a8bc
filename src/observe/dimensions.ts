import type { Api, RouteTable } from '../definitions/table'
import { stageMethods } from '../definitions/walk'
import { metricsEnabledFor } from '../definitions/observe-settings'
import type { MetricDimensions } from './metrics'

/** The three dimension sets CloudWatch publishes for an API: API, API and stage, API, stage and method (or route). */
export type Level = 'api' | 'stage' | 'method'

export interface Named {
  level: Level
  /** CloudWatch's dimensions (`ApiName`, `Stage`, `Method`, `Resource`; HTTP and WebSocket: `ApiId`, `Stage`, `Route`). */
  dimensions: Record<string, string>
  /** The same as Prometheus labels (`api_name`, `stage`, `method`, `resource`; `api_id`, `stage`, `route`). */
  labels: Record<string, string>
}

/**
 * `ApiName` as CloudWatch shows it: non-ASCII characters stripped; an API whose name is all
 * non-ASCII is named by its id.
 * @example cloudWatchApiName({ title: 'Pets ✓', id: 'a1' } as Api) // 'Pets '
 */
export function cloudWatchApiName(api: Pick<Api, 'title' | 'id'>): string {
  const ascii = api.title.replace(/[^\x00-\x7f]/g, '')
  return ascii.trim() === '' ? api.id : ascii
}

/**
 * Names recorded dimensions the way CloudWatch and Prometheus show them, per API type. Which
 * methods publish the detailed (method or route) level is decided here from each stage's
 * `methodSettings.metricsEnabled`, so recording never needs to know: a method without it counts
 * in its stage only. A WebSocket route recorded with a route key is shown at the route level.
 * @example
 * const names = createDimensionNamer(table)
 * names({ apiId: 'pets', stage: 'prod', method: 'GET /pets' }) // [{ level: 'api', … }, { level: 'stage', … }, …]
 */
export function createDimensionNamer(table: RouteTable) {
  const apis = new Map(table.apis.map((api) => [api.id, api]))
  const detailed = new Set<string>()
  for (const { api, stage, method } of stageMethods(table)) {
    if (metricsEnabledFor(stage, method)) detailed.add(`${api.id}\u0000${stage.name}\u0000${method.httpMethod} ${method.resourcePath}`)
  }

  return function name(d: MetricDimensions): Named[] {
    const api = apis.get(d.apiId)
    const rest = !api || api.protocol === 'REST'
    const apiName = api ? cloudWatchApiName(api) : d.apiId
    const levels: Named[] = [rest ? { level: 'api', dimensions: { ApiName: apiName }, labels: { api_name: apiName } } : { level: 'api', dimensions: { ApiId: d.apiId }, labels: { api_id: d.apiId } }]
    if (d.stage === '') return levels
    const stage: Named = rest
      ? { level: 'stage' as const, dimensions: { ApiName: apiName, Stage: d.stage }, labels: { api_name: apiName, stage: d.stage } }
      : { level: 'stage' as const, dimensions: { ApiId: d.apiId, Stage: d.stage }, labels: { api_id: d.apiId, stage: d.stage } }
    levels.push(stage)
    if (d.method === undefined) return levels
    const shown = api?.protocol === 'WEBSOCKET' || detailed.has(`${d.apiId}\u0000${d.stage}\u0000${d.method}`)
    if (!shown) return levels
    if (rest) {
      const space = d.method.indexOf(' ')
      const [method, resource] = space === -1 ? [d.method, ''] : [d.method.slice(0, space), d.method.slice(space + 1)]
      levels.push({ level: 'method', dimensions: { ApiName: apiName, Method: method, Resource: resource, Stage: d.stage }, labels: { ...stage.labels, method, resource } })
    } else {
      levels.push({ level: 'method', dimensions: { ApiId: d.apiId, Stage: d.stage, Route: d.method }, labels: { ...stage.labels, route: d.method } })
    }
    return levels
  }
}
