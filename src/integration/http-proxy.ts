import type { Invocation } from '../invocation'
import type { IntegrationPlan } from './plan'
import { backendResponse } from '../method-response/headers'
import { backendUrl, withQuery } from './uri'
import { integrationPathValues, mappedQuery } from './request-parameters'
import { integrationRequestHeaders } from './request-headers'
import { limitRequestBody, readRequestBytes } from './body-limit'
import { fetchWithTimeout, integrationError } from './fetch-with-timeout'

/**
 * HTTP_PROXY: the client's request goes to the backend nearly as sent, and the backend's
 * response comes back streamed — status, headers (reserved ones as `x-amzn-Remapped-*`) and body.
 * @example const response = await httpProxy(inv, plan)
 */
export async function httpProxy(inv: Invocation, plan: IntegrationPlan): Promise<Response> {
  const integration = plan.integration
  // The client's query string follows the URI's own, then mapped parameters.
  const base = backendUrl(plan, inv.stage.variables, integrationPathValues(inv, plan))
  const url = withQuery(withQuery(base, inv.search), mappedQuery(inv, plan))

  const headers = integrationRequestHeaders(inv, plan, true)
  const method = integration.httpMethod === 'ANY' || !integration.httpMethod ? inv.httpMethod : integration.httpMethod
  const init: RequestInit = { method, headers, redirect: 'manual' }
  if (method !== 'GET' && method !== 'HEAD') {
    // A declared length is refused up front past 10 MB, and the runtime holds the body to it: it streams as it is.
    if (inv.headers['content-length'] !== undefined) init.body = limitRequestBody(inv.request).body
    // AWS always sends the backend a Content-Length: a chunked upload (≤ 10 MB) is gathered first.
    else init.body = await readRequestBytes(inv.request)
  }

  let upstream: Response
  try {
    upstream = await fetchWithTimeout(url, init, integration.timeoutInMillis)
  } catch (e) {
    throw integrationError(e, url)
  }
  return backendResponse(upstream, inv.requestId, inv.extendedRequestId)
}
