import type { MappingReference, MappingValue, ParameterMapping } from './http-api-table'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

/**
 * Headers no HTTP API mapping may set or remove (../shared/spec §11, "Reserved headers"):
 * AWS refuses them when the integration is created, so `validate` does.
 */
const reservedHeaders = new Set([
  'authorization',
  'connection',
  'content-encoding',
  'content-length',
  'content-location',
  'forwarded',
  'keep-alive',
  'origin',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'via',
])
const reservedPrefixes = ['access-control-', 'apigw-', 'x-amz-', 'x-amzn-']

/**
 * Whether a header is one AWS reserves from HTTP API parameter mapping.
 * @example isReservedHeader('X-Amzn-Trace-Id') // true
 */
export const isReservedHeader = (name: string) => {
  const lower = name.toLowerCase()
  return reservedHeaders.has(lower) || reservedPrefixes.some((p) => lower.startsWith(p))
}

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const mappingKey = /^(append|overwrite|remove):(header|querystring)\.(.+)$/

/** Which side a mapping is on: the integration request, or the response to the client. */
export type MappingSide = 'request' | 'response'

/**
 * Parses an HTTP API `requestParameters` map, or one status code's `responseParameters`, in the
 * order written; every problem is reported against its key.
 * @example parseParameterMappings({ 'append:header.x-tenant': '$request.header.tenant' }, 'request', at, report)
 * // [{ action: 'append', target: 'header', name: 'x-tenant', value: [{ ref: { from: 'request.header', name: 'tenant' } }] }]
 */
export function parseParameterMappings(map: Record<string, string>, side: MappingSide, at: Path, report: Report): ParameterMapping[] {
  const mappings: ParameterMapping[] = []
  for (const [key, raw] of Object.entries(map)) {
    const here = [...at, key]
    const target = parseKey(key, side)
    if ('error' in target) {
      report(here, target.error)
      continue
    }
    // A removal takes no value (exports write `''`).
    const value = target.action === 'remove' ? [] : parseMappingValue(String(raw), side)
    if ('error' in value) {
      report(here, value.error)
      continue
    }
    if (target.target === 'statuscode' && value.length === 1 && 'text' in value[0] && !/^[1-5]\d\d$/.test(value[0].text)) {
      report(here, `"${value[0].text}" is not a status code (100-599)`)
      continue
    }
    mappings.push({ ...target, value })
  }
  return mappings
}

function parseKey(key: string, side: MappingSide): Omit<ParameterMapping, 'value'> | { error: string } {
  if (side === 'request' && key === 'overwrite:path') return { action: 'overwrite', target: 'path', name: '' }
  if (side === 'response' && key === 'overwrite:statuscode') return { action: 'overwrite', target: 'statuscode', name: '' }
  const m = mappingKey.exec(key)
  const forms = side === 'request' ? 'append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path' : 'append|overwrite|remove:header.NAME or overwrite:statuscode'
  if (!m || (side === 'response' && m[2] === 'querystring')) return { error: `"${key}" is not a ${side} parameter mapping (${forms})` }
  const [, action, target, name] = m
  if (!token.test(name)) return { error: `"${name}" is not a valid ${target === 'header' ? 'header' : 'query parameter'} name` }
  if (target === 'header' && isReservedHeader(name)) return { error: `"${name}" is a reserved header: HTTP API mappings cannot change it` }
  return { action: action as ParameterMapping['action'], target: target as 'header' | 'querystring', name: target === 'header' ? name.toLowerCase() : name }
}

const braced = /\$\{([^{}]*)\}/g
const bareReference = /\$(request|response|context|stageVariables)\./

/**
 * A mapping value: one `$reference`, or text in which `${reference}`s stand (`${request.path.id}-${context.requestId}`);
 * anything else is a static value.
 * @example parseMappingValue('Bearer ${request.header.token}', 'request') // [{ text: 'Bearer ' }, { ref: … }]
 */
export function parseMappingValue(value: string, side: MappingSide): MappingValue | { error: string } {
  if (value.startsWith('$') && !value.startsWith('${')) {
    const ref = parseReference(value.slice(1), side)
    return 'error' in ref ? ref : [{ ref }]
  }
  const parts: MappingValue = []
  let last = 0
  for (const m of value.matchAll(braced)) {
    if (m.index > last) parts.push({ text: value.slice(last, m.index) })
    const ref = parseReference(m[1], side)
    if ('error' in ref) return ref
    parts.push({ ref })
    last = m.index + m[0].length
  }
  if (last < value.length) parts.push({ text: value.slice(last) })
  const stray = parts.find((p) => 'text' in p && bareReference.test(p.text))
  if (stray) return { error: `"${value}": to combine a reference with other text, write it as \${…} (e.g. "\${request.header.name}")` }
  return parts
}

const dataSources = {
  request: 'request.header.NAME, request.querystring.NAME, request.body[.JSONPath], request.path[.NAME]',
  response: 'response.header.NAME, response.body[.JSONPath]',
}

function parseReference(text: string, side: MappingSide): MappingReference | { error: string } {
  const unknown = { error: `"${text}" is not a ${side} mapping source (${dataSources[side]}, context.NAME or stageVariables.NAME)` }
  const dot = text.indexOf('.')
  const root = dot === -1 ? text : text.slice(0, dot)
  const rest = dot === -1 ? '' : text.slice(dot + 1)
  if (root === 'context') return /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(rest) ? { from: 'context', keys: rest.split('.') } : unknown
  if (root === 'stageVariables') return /^[A-Za-z0-9_]+$/.test(rest) ? { from: 'stageVariables', name: rest } : unknown
  if (root !== side) return unknown
  const kindEnd = rest.indexOf('.')
  const kind = kindEnd === -1 ? rest : rest.slice(0, kindEnd)
  const name = kindEnd === -1 ? '' : rest.slice(kindEnd + 1)
  if (kind === 'body') {
    if (name === '') return { from: `${side}.body` }
    if (name.startsWith('.') || name.includes('..')) return { error: `"${text}": recursive descent (..) is not supported in mapping JSONPaths` }
    if (name.includes('?(')) return { error: `"${text}": filter expressions are not supported in mapping JSONPaths` }
    return { from: `${side}.body`, path: name.startsWith('[') ? `$${name}` : `$.${name}` }
  }
  if (kind === 'header' && token.test(name)) return { from: `${side}.header`, name: name.toLowerCase() }
  if (side === 'request' && kind === 'querystring' && name !== '') return { from: 'request.querystring', name }
  if (side === 'request' && kind === 'path') return name === '' ? { from: 'request.path' } : { from: 'request.path', name }
  return unknown
}
