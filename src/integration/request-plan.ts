import type { Integration } from '../definitions/table'
import { compileSource, type RequestSource } from './mapping-sources'

/** One `integration.request.*` mapping, its source compiled into a reader. */
export interface Mapping {
  name: string
  source: string
  multiValue: boolean
  read: RequestSource
}

/**
 * A piece of an integration URI template. A `{name}` placeholder knows whether it stands in the
 * path (nothing before it in the template's own text opens the query or fragment).
 */
export type UriPart = { text: string } | { stageVariable: string } | { param: string; inPath: boolean }

/** What the integration request needs from an integration's definition, compiled once per integration. */
export interface RequestPlan {
  uri: UriPart[]
  /** Whether the template's own leading text closes the authority, so no placeholder can move the host. */
  uriPinned: boolean
  paths: Mapping[]
  queries: Mapping[]
  /** Header names lower-cased; those AWS drops silently are left out. */
  headers: Mapping[]
  /** A header mapping AWS refuses to send: every call fails with a 500 (recorded). */
  refusesHeaderMapping: boolean
}

/** Mapping any of these makes every call fail, as on AWS; AWS and AWS_PROXY refuse more. */
const unmappable = new Set(['content-length', 'transfer-encoding'])
const unmappableForAws = new Set([...unmappable, 'authorization', 'connection', 'expect', 'proxy-authenticate', 'te'])
/** Static mappings to these are dropped silently for HTTP integrations. */
const silentlyDropped = new Set(['connection', 'expect', 'proxy-authenticate', 'te', 'via'])

const uriToken = /\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([^{}]+)\}/g
const target = /^integration\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/
/** Scheme and authority, closed by the first `/`, `?`, `#` or `\`: after that nothing can move the host. */
export const pinnedAuthority = /^https?:\/\/[^/?#\\]+[/?#\\]/i

/**
 * Parses the integration's URI template and parameter mappings into plain arrays, once, when the
 * pipeline is created; the request path only reads them.
 * @example compileRequestPlan(integration).paths // [{ name: 'proxy', source: 'method.request.path.proxy', … }]
 */
export function compileRequestPlan(integration: Integration): RequestPlan {
  const uri = parseUri(integration.uri ?? '')
  const uriPinned = uri.length > 0 && 'text' in uri[0] && pinnedAuthority.test(uri[0].text)
  const plan: RequestPlan = { uri, uriPinned, paths: [], queries: [], headers: [], refusesHeaderMapping: false }
  const refused = integration.type === 'aws' || integration.type === 'aws_proxy' ? unmappableForAws : unmappable
  for (const [key, source] of Object.entries(integration.requestParameters)) {
    const m = target.exec(key)
    if (!m) continue
    const mapping = { name: m[2], source, multiValue: m[1].startsWith('multivalue'), read: compileSource(source) }
    if (m[1] === 'path') plan.paths.push(mapping)
    else if (m[1].endsWith('querystring')) plan.queries.push(mapping)
    else {
      const name = m[2].toLowerCase()
      if (refused.has(name)) plan.refusesHeaderMapping = true
      if (!silentlyDropped.has(name)) plan.headers.push({ ...mapping, name })
    }
  }
  return plan
}

/**
 * The URI template alone, parsed on every call: for code outside the compiled pipeline
 * (the pipeline hands each integration its `RequestPlan`).
 * @example fillUri(requestPlan(integration).uri, stage.variables, pathValues)
 */
export const requestPlan = (integration: Integration): Pick<RequestPlan, 'uri'> => ({ uri: parseUri(integration.uri ?? '') })

function parseUri(uri: string): UriPart[] {
  const parts: UriPart[] = []
  let last = 0
  let inPath = true
  for (const m of uri.matchAll(uriToken)) {
    if (m.index > last) {
      const text = uri.slice(last, m.index)
      if (/[?#]/.test(text)) inPath = false
      parts.push({ text })
    }
    parts.push(m[1] ? { stageVariable: m[1] } : { param: m[2].replace(/\+$/, ''), inPath })
    last = m.index + m[0].length
  }
  if (last < uri.length) parts.push({ text: uri.slice(last) })
  return parts
}
