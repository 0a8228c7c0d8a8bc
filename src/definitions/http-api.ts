import type { Api } from './table'
import type { XGateway } from './schema'
import { compileStageThrottle, type ThrottleSetting } from './usage-plans'
import { defaultRoutePath, parseRouteKey } from '../router/route-keys'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

const exportMarker = 'x-amazon-apigateway-importexport-version'

/**
 * Whether a definition is an HTTP API: `x-gateway.protocolType: HTTP`, or, with no protocol
 * given, the marker `aws apigatewayv2 export-api` writes (`x-amazon-apigateway-importexport-version`).
 * @example isHttpApiDocument({ 'x-amazon-apigateway-importexport-version': '1.0', paths: {} }) // true
 */
export function isHttpApiDocument(value: unknown): boolean {
  const doc = value as Record<string, unknown> | null
  const protocol = (doc?.['x-gateway'] as { protocolType?: unknown } | undefined)?.protocolType
  if (typeof protocol === 'string') return protocol.toUpperCase() === 'HTTP'
  return doc !== null && typeof doc === 'object' && doc[exportMarker] !== undefined
}

/**
 * The `$default` route as an export writes it: `x-amazon-apigateway-any-method` on the path
 * `/$default`, with `isDefaultRoute: true`. Another method there, or `isDefaultRoute` elsewhere,
 * is refused. Returns whether `path` is the `$default` route.
 * @example checkDefaultRoute('/$default', item, ['paths', '/$default'], report) // true
 */
export function checkDefaultRoute(path: string, item: Record<string, unknown>, at: Path, report: Report): boolean {
  const isDefault = path === defaultRoutePath
  for (const [key, op] of Object.entries(item)) {
    const flagged = (op as { isDefaultRoute?: unknown } | null)?.isDefaultRoute === true
    if (!isDefault && flagged) report([...at, key, 'isDefaultRoute'], `only the path ${defaultRoutePath} is the $default route`)
    if (isDefault && key !== 'x-amazon-apigateway-any-method' && /^(get|put|post|delete|options|head|patch)$/i.test(key)) {
      report([...at, key], 'the $default route takes every method: write it as x-amazon-apigateway-any-method')
    }
  }
  return isDefault
}

type StageDefinitions = NonNullable<XGateway['stages']>
type RouteSetting = ThrottleSetting

/**
 * HTTP API route throttling (../shared/spec §11): a stage's `defaultRouteSettings` apply to every
 * route, `routeSettings` by route key override them field by field. Compiled into the stage's
 * throttle table under the keys REST `methodSettings` use (`*\/*`, `/path/METHOD`), so the same
 * throttle buckets enforce them. On a REST API they are refused: REST stages use `methodSettings`.
 * @example applyRouteSettings(api, doc['x-gateway']?.stages, report)
 */
export function applyRouteSettings(api: Api, stages: StageDefinitions | undefined, report: Report) {
  for (const [name, s] of Object.entries(stages ?? {})) {
    const at: Path = ['x-gateway', 'stages', name]
    if (!s.defaultRouteSettings && !s.routeSettings) continue
    if (api.protocol !== 'HTTP') {
      report([...at, s.routeSettings ? 'routeSettings' : 'defaultRouteSettings'], 'route settings are for HTTP APIs; REST stages use methodSettings')
      continue
    }
    const defaults: RouteSetting = s.defaultRouteSettings ?? {}
    const settings: Record<string, RouteSetting> = { '*/*': defaults }
    for (const [key, own] of Object.entries(s.routeSettings ?? {})) {
      const route = parseRouteKey(key)
      if ('error' in route) {
        report([...at, 'routeSettings', key], route.error)
        continue
      }
      const resource = api.resources.find((r) => r.path === route.resourcePath)
      if (!resource?.methods[route.httpMethod]) {
        report([...at, 'routeSettings', key], `no route "${key}" in this API`)
        continue
      }
      settings[`${route.resourcePath}/${route.httpMethod}`] = {
        throttlingRateLimit: own.throttlingRateLimit ?? defaults.throttlingRateLimit,
        throttlingBurstLimit: own.throttlingBurstLimit ?? defaults.throttlingBurstLimit,
        throttlingShards: own.throttlingShards ?? defaults.throttlingShards,
      }
    }
    Object.assign(api.stages[name].throttle, compileStageThrottle(settings))
  }
}

/**
 * The region an export was taken in, from its server URL (`https://{id}.execute-api.{region}.amazonaws.com`):
 * where its AWS service integrations call by default. `us-east-1` when the export does not say.
 * @example exportRegion({ servers: [{ url: 'https://a1.execute-api.eu-west-1.amazonaws.com/{basePath}' }] }) // 'eu-west-1'
 */
export function exportRegion(doc: { servers?: { url: string }[] }): string {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(doc.servers?.[0]?.url ?? '')?.[1] ?? 'us-east-1'
}
