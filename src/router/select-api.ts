import type { Api, RouteTable, Stage } from '../definitions/table'
import { decodeSegment } from './decode-segment'

export interface ApiTarget {
  api: Api
  /** Undefined when the path names no stage of the API. */
  stage?: Stage
  /** The path after base path and stage, as received. */
  resourcePath: string
}

const executeApiHost = /^([a-z0-9-]+)\.execute-api\./

/**
 * Finds the API a request is for, the way AWS does across hosts and base paths:
 * `{apiId}.execute-api.*` hosts name the API; else an API's `x-gateway.basePath`;
 * else the first API without a base path. Then the first path segment names the stage
 * (`$default` is served at the root).
 * @example
 * const select = createApiSelector(table)
 * select('pets.execute-api.localhost', '/dev/pets') // { api, stage: dev, resourcePath: '/pets' }
 */
export function createApiSelector(table: RouteTable) {
  const byId = new Map(table.apis.map((a) => [a.id, a]))
  const withBasePath = table.apis.filter((a) => a.basePath)
  const fallback = table.apis.find((a) => !a.basePath)

  return (host: string, rawPath: string): ApiTarget | undefined => {
    // A leading `//` before the stage is collapsed, as on AWS.
    let path = rawPath.charCodeAt(1) === 47 ? rawPath.replace(/^\/{2,}/, '/') : rawPath
    let api = host.includes('.execute-api.') ? byId.get(executeApiHost.exec(host)?.[1] ?? '') : undefined
    if (!api) {
      api = withBasePath.find((a) => path === `/${a.basePath}` || path.startsWith(`/${a.basePath}/`))
      if (api) path = path.slice(api.basePath!.length + 1) || '/'
      else api = fallback
    }
    if (!api) return undefined
    return selectStage(api, path)
  }
}

function selectStage(api: Api, path: string): ApiTarget {
  const end = path.indexOf('/', 1)
  const name = end === -1 ? path.slice(1) : path.slice(1, end)
  const decoded = decodeSegment(name)
  // Own stages only: `/constructor/…` names no stage.
  const stage = Object.hasOwn(api.stages, decoded) ? api.stages[decoded] : undefined
  if (stage && name !== '$default') return { api, stage, resourcePath: end === -1 ? '/' : path.slice(end) }
  // HTTP APIs and our stage-less REST APIs serve `$default` at the root.
  return { api, stage: api.stages.$default, resourcePath: path }
}
