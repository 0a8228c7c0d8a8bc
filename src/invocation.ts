import type { Api, Method, Stage } from './definitions/table'
import type { Env } from './env'

/**
 * One request's journey through the flow. It is the single source of `$context`:
 * steps read and extend it instead of passing long argument lists.
 */
export interface Invocation {
  request: Request
  url: URL
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

export function newRequestIds(): { requestId: string; extendedRequestId: string } {
  const bytes = crypto.getRandomValues(new Uint8Array(11))
  return { requestId: crypto.randomUUID(), extendedRequestId: btoa(String.fromCharCode(...bytes)) }
}
