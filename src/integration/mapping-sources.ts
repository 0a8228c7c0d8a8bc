import { queryOf, type Invocation } from '../invocation'
import { contextOf } from '../context'
import { evaluateJsonPath } from '../vtl'

/** A mapping source read against one request: undefined when absent (AWS then omits the mapping). */
export type RequestSource = (inv: Invocation, body: string | undefined) => string | undefined

/**
 * Reads one parameter-mapping source (../shared/spec §2.9) for this request:
 * `method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.N`,
 * `method.request.body[.path]`, `stageVariables.N`, `context.a.b` or `'static'`.
 * Undefined when the source is absent (AWS then omits the mapping). It parses the expression on
 * every call: the request path uses readers compiled once (`compileSource`) instead.
 * @example resolveRequestSource('method.request.header.X-Tenant', inv) // 'acme'
 */
export function resolveRequestSource(source: string, inv: Invocation, body?: string): string | undefined {
  return compileSource(source)(inv, body)
}

const absent: RequestSource = () => undefined

/**
 * Parses one mapping source into a reader of requests, once, when the integration is compiled.
 * @example const read = compileSource('method.request.querystring.q'); read(inv, undefined) // 'shoes'
 */
export function compileSource(source: string): RequestSource {
  if (source.startsWith("'")) {
    const literal = source.endsWith("'") && source.length >= 2 ? source.slice(1, -1) : undefined
    return () => literal
  }
  const dot = source.indexOf('.')
  const root = source.slice(0, dot)
  const rest = source.slice(dot + 1)
  if (root === 'stageVariables') return (inv) => inv.stage.variables[rest]
  if (root === 'context') {
    const keys = rest.split('.')
    return (inv) => stringify(dig(contextOf(inv), keys))
  }
  if (root !== 'method' || !rest.startsWith('request.')) return absent
  const [location, ...nameParts] = rest.slice('request.'.length).split('.')
  const name = nameParts.join('.')
  switch (location) {
    case 'path':
      return (inv) => inv.pathParameters[name]
    case 'querystring':
      return (inv) => lastOf(queryOf(inv).getAll(name))
    case 'multivaluequerystring':
      return (inv) => {
        const all = queryOf(inv).getAll(name)
        return all.length ? all.join(',') : undefined
      }
    case 'header':
    case 'multivalueheader': {
      // Workers join repeated headers with ", " and so cannot tell them from one value with commas.
      const lower = name.toLowerCase()
      return (inv) => inv.headers[lower]
    }
    case 'body':
      return (_, body) => bodySource(body, name)
  }
  return absent
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
