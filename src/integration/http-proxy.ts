import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { backendResponse } from '../method-response/headers'
import { backendUrl, withQuery } from './uri'
import { integrationPathValues, mappedQuery } from './request-parameters'
import { integrationRequestHeaders } from './request-headers'
import { limitRequestBody, neverExceeded, readRequestBytes } from './body-limit'
import { fetchWithTimeout, integrationError } from './fetch-with-timeout'

/**
 * HTTP_PROXY: the client's request goes to the backend nearly as sent, and the backend's
 * response comes back streamed — status, headers (reserved ones as `x-amzn-Remapped-*`) and body.
 */
export async function httpProxy(inv: Invocation): Promise<Response> {
  const integration = inv.method!.integration
  // The client's query string follows the URI's own, then mapped parameters.
  const base = backendUrl(integration, inv.stage.variables, integrationPathValues(inv, integration))
  const url = withQuery(withQuery(base, inv.search), mappedQuery(inv, integration))

  const headers = integrationRequestHeaders(inv, integration, true)
  const method = integration.httpMethod === 'ANY' || !integration.httpMethod ? inv.httpMethod : integration.httpMethod
  const init: RequestInit = { method, headers, redirect: 'manual' }
  let exceeded = neverExceeded
  if (method !== 'GET' && method !== 'HEAD') {
    if (inv.headers['content-length'] !== undefined) ({ body: init.body, exceeded } = limitRequestBody(inv.request))
    // AWS always sends the backend a Content-Length: a chunked upload (≤ 10 MB) is gathered first.
    else init.body = await readRequestBytes(inv.request)
  }

  let upstream: Response
  try {
    upstream = await fetchWithTimeout(url, init, integration.timeoutInMillis)
  } catch (e) {
    throw exceeded() ? new GatewayError('REQUEST_TOO_LARGE') : integrationError(e)
  }
  return backendResponse(upstream, inv.requestId, inv.extendedRequestId)
}
