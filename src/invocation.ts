import type { Api, Method, Stage } from './definitions/table'
import type { Env } from './env'
import type { AuthorizerResult } from './method-request/authorizer-result'
import type { ExecutionLog } from './observe/execution-log/log'

/**
 * One request's journey through the flow. It is the single source of `$context`:
 * steps read and extend it instead of passing long argument lists.
 */
export interface Invocation {
  request: Request
  /** `request.method`, read once. */
  httpMethod: string
  /**
   * The client's headers, read once (lower-case names, repeats joined by `, ` as Headers.get does):
   * every read of a Workers Headers object is a call into the runtime.
   */
  headers: ClientHeaders
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
  /** The body as templates and validation see it (decompressed), read on first use by `methodRequestBody`. */
  payload?: Uint8Array
  /** Milliseconds from calling the integration to its answer (or failure): IntegrationLatency; unset when none was called. */
  integrationLatency?: number
  /** The status the integration step answered with; unset when it failed or was not called. */
  integrationStatus?: number
  /** Set by the cache step on cached methods. */
  cacheResult?: 'Hit' | 'Miss'
  /** Built on first use: only templates, mappings and gateway responses need all of `$context`. */
  context?: Record<string, unknown>
  /** The execution log (`loggingLevel` ERROR or INFO), opened once the route is known; absent when OFF. */
  log?: ExecutionLog
}

/** A request's headers as a record without inherited names (`clientKeyed`), so a header named `__proto__` is just a header. */
export type ClientHeaders = Record<string, string>

/** One client header by any casing of its name; undefined when absent. */
export const clientHeader = (inv: Invocation, name: string): string | undefined => inv.headers[name.toLowerCase()]

/** Picks the client address: Cloudflare's edge sets CF-Connecting-IP; self-hosted, the load balancer should. */
export const sourceIpOf = (headers: ClientHeaders) => headers['cf-connecting-ip'] ?? '127.0.0.1'

/** The client's X-Forwarded-For with the client appended, as AWS's edge passes it on. */
export function forwardedFor(inv: Invocation): string {
  const forwarded = inv.headers['x-forwarded-for']
  return forwarded ? `${forwarded}, ${inv.sourceIp}` : inv.sourceIp
}

/**
 * The extended id's random bytes, drawn in blocks: one call into the runtime serves 256
 * requests, where `btoa()` of fresh bytes would be two calls each; the id is made as one flat
 * string from its character codes (measured: less garbage than concatenating).
 */
const idBytes = new Uint8Array(11 * 256)
let idOffset = idBytes.length
const base64Codes = new Uint16Array(16)
const base64Digits = Uint16Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) => c.charCodeAt(0))

/**
 * A request id (a version 4 UUID, as AWS's `x-amzn-RequestId`; the runtime's own
 * `crypto.randomUUID()` is cheaper than formatting pooled bytes, measured) and an extended
 * request id (11 random bytes in base64, as AWS's `x-amz-apigw-id`).
 * @example newRequestIds() // { requestId: '8b37666d-a891-4ba7-a8f7-9c0176aa26ea', extendedRequestId: 'hYI3Jxj52GWME7Y=' }
 */
export function newRequestIds(): { requestId: string; extendedRequestId: string } {
  if (idOffset === idBytes.length) {
    crypto.getRandomValues(idBytes)
    idOffset = 0
  }
  const at = idOffset
  idOffset += 11
  return { requestId: crypto.randomUUID(), extendedRequestId: base64Of11(idBytes, at) }
}

/** 11 bytes → 15 base64 digits and one `=`. */
function base64Of11(b: Uint8Array, at: number): string {
  for (let j = 0; j < 4; j++) {
    const n = (b[at + 3 * j] << 16) | (b[at + 3 * j + 1] << 8) | (j < 3 ? b[at + 3 * j + 2] : 0)
    base64Codes[4 * j] = base64Digits[n >> 18]
    base64Codes[4 * j + 1] = base64Digits[(n >> 12) & 63]
    base64Codes[4 * j + 2] = base64Digits[(n >> 6) & 63]
    base64Codes[4 * j + 3] = base64Digits[n & 63]
  }
  base64Codes[15] = 61 // =
  return String.fromCharCode.apply(null, base64Codes as unknown as number[])
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
