import type { Api, RouteTable } from '../definitions/table'
import type { ClientHeaders } from '../invocation'
import { allowedOrigin, allowsRequest, compileCorsPolicy, type CorsPolicy } from './policy'

/**
 * HTTP APIs' CORS (`x-amazon-apigateway-cors`), compiled once per API. With it configured the
 * gateway answers preflights itself, before routing: no authorizer and no integration runs.
 * Every other answer, gateway errors included, carries the configured headers and none of
 * the backend's. APIs without a configuration pay one map lookup.
 * @example
 * const cors = createCorsStep(table)
 * const preflight = cors.preflight(api, request.method, headers)
 * if (preflight) return preflight
 * return cors.respond(api, request, await integrate(inv))
 */
export function createCorsStep(table: RouteTable) {
  const policies = new Map<Api, CorsPolicy>()
  for (const api of table.apis) if (api.cors) policies.set(api, compileCorsPolicy(api.cors))

  return {
    /**
     * A preflight is an OPTIONS request with `Origin` and `Access-Control-Request-Method`:
     * 204 and no body. An origin, method or header that is not configured gets no CORS
     * headers at all, so the browser refuses the request it was asking about.
     */
    preflight(api: Api, method: string, headers: ClientHeaders): Response | undefined {
      const policy = policies.get(api)
      if (!policy || method !== 'OPTIONS') return undefined
      const requestedMethod = headers['access-control-request-method']
      if (!headers.origin || !requestedMethod) return undefined
      const origin = allowedOrigin(policy, headers.origin)
      const allowed = origin !== undefined && allowsRequest(policy, requestedMethod, headers['access-control-request-headers'])
      return new Response(null, { status: 204, headers: allowed ? [['access-control-allow-origin', origin], ...policy.preflightHeaders] : [] })
    },

    /** The configured headers replace whatever CORS headers the response had. */
    respond(api: Api | undefined, request: Request, response: Response): Response {
      const policy = api && policies.get(api)
      if (!policy) return response
      const origin = allowedOrigin(policy, request.headers.get('origin'))
      const stale = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'))
      if (!origin && stale.length === 0) return response
      const out = mutable(response)
      for (const name of stale) out.headers.delete(name)
      if (origin) {
        out.headers.set('access-control-allow-origin', origin)
        for (const [name, value] of policy.responseHeaders) out.headers.set(name, value)
      }
      return out
    },
  }
}

/** A fetched response's headers are immutable; a copy that shares the body stream is not. */
function mutable(response: Response): Response {
  try {
    response.headers.delete('access-control-probe')
    return response
  } catch {
    return new Response(response.body, response)
  }
}
