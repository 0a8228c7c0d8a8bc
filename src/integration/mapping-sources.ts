import { queryOf, type Invocation } from '../invocation'
import { contextOf } from '../context'
import { evaluateJsonPath } from '../vtl'

/**
 * Reads one parameter-mapping source (../shared/spec §2.9) for this request:
 * `method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.N`,
 * `method.request.body[.path]`, `stageVariables.N`, `context.a.b` or `'static'`.
 * Undefined when the source is absent (AWS then omits the mapping).
 */
export function resolveRequestSource(source: string, inv: Invocation, body?: string): string | undefined {
  if (source.startsWith("'")) return source.endsWith("'") && source.length >= 2 ? source.slice(1, -1) : undefined
  const dot = source.indexOf('.')
  const root = source.slice(0, dot)
  const rest = source.slice(dot + 1)
  if (root === 'stageVariables') return inv.stage.variables[rest]
  if (root === 'context') return stringify(dig(contextOf(inv), rest.split('.')))
  if (root !== 'method' || !rest.startsWith('request.')) return undefined
  const [location, ...nameParts] = rest.slice('request.'.length).split('.')
  const name = nameParts.join('.')
  switch (location) {
    case 'path':
      return inv.pathParameters[name]
    case 'querystring':
      return lastOf(queryOf(inv).getAll(name))
    case 'multivaluequerystring': {
      const all = queryOf(inv).getAll(name)
      return all.length ? all.join(',') : undefined
    }
    case 'header':
    case 'multivalueheader':
      // Workers join repeated headers with ", " and so cannot tell them from one value with commas.
      return inv.request.headers.get(name) ?? undefined
    case 'body':
      return bodySource(body, name)
  }
  return undefined
}

/** The sources that need no request body, e.g. for gateway responses. */
export function resolveStaticSource(source: string, inv: Invocation): string | undefined {
  return source.startsWith('method.request.body') ? undefined : resolveRequestSource(source, inv)
}

function bodySource(body: string | undefined, path: string): string | undefined {
  if (body === undefined) return undefined
  if (path === '') return body
  let doc: unknown
  try {
    doc = JSON.parse(body)
  } catch {
    return undefined
  }
  const value = evaluateJsonPath(doc, `$.${path}`)
  return value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value)
}

const lastOf = (values: string[]) => (values.length ? values[values.length - 1] : undefined)

function dig(value: unknown, keys: string[]): unknown {
  for (const key of keys) value = (value as Record<string, unknown> | null | undefined)?.[key]
  return value
}

const stringify = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v))
