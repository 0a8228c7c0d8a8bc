import { queryOf, type Invocation } from '../invocation'
import { markCaseInsensitive, type TemplateInput, type TemplateParams } from '../vtl'
import { contextOf } from '../context'

/** Headers `$input.params()` never shows (recorded against AWS). */
const invisibleHeaders = new Set([
  'connection',
  'content-length',
  'content-md5',
  'expect',
  'max-forwards',
  'proxy-authenticate',
  'server',
  'te',
  'transfer-encoding',
  'trailer',
  'upgrade',
  'www-authenticate',
])

function decode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * The method request's parameters as `$input.params()` shows them: URL-decoded. The runtime has
 * lost the client's spelling of header names, so the header map shows them as clients usually
 * write them (`Content-Type`) and finds them by any spelling (`get('x-custom')`).
 * @example methodRequestParams(inv).header // { Accept: '*\/*', 'X-Custom': 'a' }
 */
export function methodRequestParams(inv: Invocation): TemplateParams {
  const path: Record<string, string> = {}
  for (const [k, v] of Object.entries(inv.pathParameters)) path[k] = decode(v)
  const querystring: Record<string, string> = {}
  for (const [k, v] of queryOf(inv)) querystring[k] = v
  const header: Record<string, string> = {}
  for (const k in inv.headers) if (!invisibleHeaders.has(k)) header[canonicalHeader(k)] = inv.headers[k]
  return { path, querystring, header: markCaseInsensitive(header) }
}

/**
 * Workers lower-case header names; templates and Lambda events show them as clients usually
 * write them: each letter that starts the name or follows a `-` upper-cased.
 * @example canonicalHeader('x-amzn-trace-id') // 'X-Amzn-Trace-Id'
 */
export function canonicalHeader(name: string): string {
  let out = ''
  let start = 0
  for (;;) {
    const dash = name.indexOf('-', start)
    const end = dash === -1 ? name.length : dash
    if (end > start) out += name.charAt(start).toUpperCase() + name.slice(start + 1, end)
    if (dash === -1) return out
    out += '-'
    start = dash + 1
  }
}

/** Everything a mapping template sees for this invocation. */
export function templateInput(inv: Invocation, body: string): TemplateInput {
  return {
    body,
    params: methodRequestParams(inv),
    stageVariables: Object.keys(inv.stage.variables).length ? inv.stage.variables : null,
    context: contextOf(inv),
  }
}
