import type { Integration } from '../definitions/table'

/** One `integration.request.*` mapping, parsed once. */
export interface Mapping {
  name: string
  source: string
  multiValue: boolean
}

export type UriPart = { text: string } | { stageVariable: string } | { param: string }

/** What the integration request needs from an integration's definition, parsed once per integration. */
export interface RequestPlan {
  uri: UriPart[]
  paths: Mapping[]
  queries: Mapping[]
  /** Header names lower-cased. */
  headers: Mapping[]
}

const plans = new WeakMap<Integration, RequestPlan>()
const uriToken = /\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([^{}]+)\}/g
const target = /^integration\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/

/**
 * The integration's URI template and parameter mappings, parsed on first use and kept,
 * so the request path only reads plain arrays.
 */
export function requestPlan(integration: Integration): RequestPlan {
  let plan = plans.get(integration)
  if (plan) return plan
  plan = { uri: parseUri(integration.uri ?? ''), paths: [], queries: [], headers: [] }
  for (const [key, source] of Object.entries(integration.requestParameters)) {
    const m = target.exec(key)
    if (!m) continue
    const multiValue = m[1].startsWith('multivalue')
    if (m[1] === 'path') plan.paths.push({ name: m[2], source, multiValue })
    else if (m[1].endsWith('querystring')) plan.queries.push({ name: m[2], source, multiValue })
    else plan.headers.push({ name: m[2].toLowerCase(), source, multiValue })
  }
  plans.set(integration, plan)
  return plan
}

function parseUri(uri: string): UriPart[] {
  const parts: UriPart[] = []
  let last = 0
  for (const m of uri.matchAll(uriToken)) {
    if (m.index > last) parts.push({ text: uri.slice(last, m.index) })
    parts.push(m[1] ? { stageVariable: m[1] } : { param: m[2].replace(/\+$/, '') })
    last = m.index + m[0].length
  }
  if (last < uri.length) parts.push({ text: uri.slice(last) })
  return parts
}
