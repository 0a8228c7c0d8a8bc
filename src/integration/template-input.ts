import { queryOf, type Invocation } from '../invocation'
import type { TemplateInput, TemplateParams } from '../vtl'
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

/** The method request's parameters as `$input.params()` shows them: URL-decoded. */
export function methodRequestParams(inv: Invocation): TemplateParams {
  const path: Record<string, string> = {}
  for (const [k, v] of Object.entries(inv.pathParameters)) path[k] = decode(v)
  const querystring: Record<string, string> = {}
  for (const [k, v] of queryOf(inv)) querystring[k] = v
  const header: Record<string, string> = {}
  for (const k in inv.headers) if (!invisibleHeaders.has(k)) header[canonicalHeader(k)] = inv.headers[k]
  return { path, querystring, header }
}

const canonicalNames = new Map<string, string>()

/** Workers lower-case header names; templates commonly read them as sent (`Content-Type`). Cached per name. */
export function canonicalHeader(name: string): string {
  let out = canonicalNames.get(name)
  if (out === undefined) {
    out = name.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase())
    if (canonicalNames.size < 1000) canonicalNames.set(name, out)
  }
  return out
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
