import type { Invocation } from '../invocation'
import type { IntegrationPlan } from './plan'
import { backendResponse } from '../method-response/headers'
import { backendUrl, withQuery } from './uri'
import { integrationPathValues, mappedQuery } from './request-parameters'
import { integrationRequestHeaders } from './request-headers'
import { limitRequestBody, readRequestBytes } from './body-limit'
import { fetchWithTimeout, integrationError } from './fetch-with-timeout'
import { logEndpointRequest, logEndpointResponse } from '../observe/execution-log/lines'

/**
 * HTTP_PROXY: the client's request goes to the backend nearly as sent, and the backend's
 * response comes back streamed — status, headers (reserved ones as `x-amzn-Remapped-*`) and body.
 * @example const response = await httpProxy(inv, plan)
 */
export async function httpProxy(inv: Invocation, plan: IntegrationPlan): Promise<Response> {
  // The client's query string follows the URI's own, then mapped parameters.
  const base = backendUrl(plan, inv.stage.variables, integrationPathValues(inv, plan))
  const url = withQuery(withQuery(base, inv.search), mappedQuery(inv, plan))

  return forwardToBackend(inv, plan, url, integrationRequestHeaders(inv, plan, true))
}

/**
 * Sends the client's request, with the integration's URL and headers, to the backend, and streams
 * its answer back: what every HTTP proxy integration (REST and HTTP API) does last.
 * @example return forwardToBackend(inv, plan, 'http://127.0.0.1:8080/pets', headers)
 */
export async function forwardToBackend(inv: Invocation, plan: IntegrationPlan, url: string, headers: Record<string, string>): Promise<Response> {
  const integration = plan.integration
  const method = integration.httpMethod === 'ANY' || !integration.httpMethod ? inv.httpMethod : integration.httpMethod
  const init: RequestInit = { method, headers, redirect: 'manual' }
  if (method !== 'GET' && method !== 'HEAD') {
    // A declared length is refused up front past 10 MB, and the runtime holds the body to it: it streams as it is.
    if (inv.headers['content-length'] !== undefined) init.body = limitRequestBody(inv.request).body
    // AWS always sends the backend a Content-Length: a chunked upload (≤ 10 MB) is gathered first.
    else init.body = await readRequestBytes(inv.request)
  }

  // Execution log (INFO): where it went and what came back; the bodies stream, unlogged.
  const sentAt = inv.log?.info && logEndpointRequest(inv.log, url, new Headers(headers))
  let upstream: Response
  try {
    upstream = await fetchWithTimeout(url, init, integration.timeoutInMillis)
  } catch (e) {
    throw integrationError(e, url)
  }
  if (sentAt) logEndpointResponse(inv.log!, upstream, sentAt)
  return backendResponse(upstream, inv.requestId, inv.extendedRequestId)
}
