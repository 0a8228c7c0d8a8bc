import type { Api, Method, Stage } from './definitions/table'
import type { Env } from './env'
import type { AuthorizerResult } from './method-request/authorizer-result'

/**
 * One request's journey through the flow. It is the single source of `$context`:
 * steps read and extend it instead of passing long argument lists.
 */
export interface Invocation {
  request: Request
  /** The raw query string, without `?` (as received). */
  search: string
  /** Parsed on first use: most requests never read a single query parameter. */
  query?: URLSearchParams
  api: Api
  stage: Stage
  /** Undefined until the router has matched a resource and method. */
  method?: Method
  /** The path after the stage, as received (percent-encoding and inner `//` kept). */
  resourcePath: string
  /** Path parameters as received, not percent-decoded (AWS passes them on that way). */
  pathParameters: Record<string, string>
  requestId: string
  extendedRequestId: string
  startedAt: number
  sourceIp: string
  /** Set by the authorizer step: what `$context.authorizer` and the proxy event's `requestContext.authorizer` show. */
  authorizer?: AuthorizerResult
  /** Set by the API key step: `$context.identity.apiKey` / `apiKeyId`. */
  apiKey?: { value: string; id: string }
  env: Env
  /** For work after the response (waitUntil); absent in some unit tests. */
  ctx?: ExecutionContext
  /** Headers a step adds to the final response (e.g. RateLimit-*); most requests have none. */
  responseHeaders?: Headers
  /** Built on first use: only templates, mappings and gateway responses need all of `$context`. */
  context?: Record<string, unknown>
}

/** Picks the client address: Cloudflare's edge sets CF-Connecting-IP; self-hosted, the load balancer should. */
export const sourceIpOf = (request: Request) => request.headers.get('cf-connecting-ip') ?? '127.0.0.1'

/** Random bytes drawn in blocks: one call into the runtime serves many extended request ids. */
const idBytes = new Uint8Array(11 * 256)
let idOffset = idBytes.length

export function newRequestIds(): { requestId: string; extendedRequestId: string } {
  if (idOffset === idBytes.length) {
    crypto.getRandomValues(idBytes)
    idOffset = 0
  }
  const b = idBytes
  const i = idOffset
  idOffset += 11
  const extended = String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5], b[i + 6], b[i + 7], b[i + 8], b[i + 9], b[i + 10])
  return { requestId: crypto.randomUUID(), extendedRequestId: btoa(extended) }
}

/** The request's query parameters (form-decoded, as AWS decodes them). */
export const queryOf = (inv: Invocation) => (inv.query ??= new URLSearchParams(inv.search))

/**
 * Host, path and query of a request URL by string search: the runtime hands over an absolute
 * URL, and a full URL parse per request is work the request path does not need.
 */
export function splitRequestUrl(url: string): { host: string; path: string; search: string } {
  const hostStart = url.indexOf('://') + 3
  let pathStart = url.indexOf('/', hostStart)
  if (pathStart === -1) pathStart = url.length
  const queryStart = url.indexOf('?', pathStart)
  return {
    host: url.slice(hostStart, pathStart),
    path: queryStart === -1 ? url.slice(pathStart) || '/' : url.slice(pathStart, queryStart) || '/',
    search: queryStart === -1 ? '' : url.slice(queryStart + 1),
  }
}
