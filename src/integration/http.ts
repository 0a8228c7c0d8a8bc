import type { Invocation } from '../invocation'
import type { IntegrationPlan } from './plan'
import { backendUrl } from './uri'
import { isBinary } from './content-handling'
import { fetchWholeWithTimeout } from './fetch-with-timeout'
import { integrationRequest } from './integration-request'
import { integrationResponse } from './integration-response'
import { bodyText, logEndpointRequest, logEndpointResponse, logMethodResponse } from '../observe/execution-log/lines'

const bodyless = new Set(['GET', 'HEAD'])

/**
 * HTTP (non-proxy): the request template (or the passthrough body) goes to the backend with
 * only the headers AWS sends and those mapped; the backend's status picks the integration
 * response, whose template and mappings make the method response.
 * @example const response = await http(inv, plan)
 */
export async function http(inv: Invocation, plan: IntegrationPlan): Promise<Response> {
  const integration = plan.integration
  const req = await integrationRequest(inv, plan)
  const url = req.url(backendUrl(plan, inv.stage.variables, req.pathValues))
  const headers = req.headers
  if (!headers.has('accept')) headers.set('accept', 'application/json')
  if (!headers.has('user-agent')) headers.set('user-agent', `AmazonAPIGateway_${inv.api.id}`)

  const method = integration.httpMethod === 'ANY' || !integration.httpMethod ? inv.httpMethod : integration.httpMethod
  const sendBody = !bodyless.has(method)
  // AWS sends only its own headers and the mapped ones; a Content-Type only with a payload.
  if (sendBody && req.payload.length > 0 && req.contentType && !headers.has('content-type')) headers.set('content-type', req.contentType)

  // Execution log (INFO, data trace): the template's input and output on both sides.
  const log = inv.log
  log?.data?.(`Method request body before transformations: ${bodyText(inv.payload ?? '')}`)
  const sentAt = log?.info && logEndpointRequest(log, url, headers, sendBody ? req.payload : undefined)
  // Bytes, not a string: fetch would add its own `Content-Type: text/plain` to a string body.
  const { response: upstream, bytes } = await fetchWholeWithTimeout(url, { method, headers, body: sendBody ? req.payload : null, redirect: 'manual' }, integration.timeoutInMillis)
  if (sentAt) logEndpointResponse(log!, upstream, sentAt, bytes)
  const response = integrationResponse(inv, plan.responses, {
    selectionValue: String(upstream.status),
    body: utf8.decode(bytes),
    payload: { bytes, binary: isBinary(upstream.headers.get('content-type'), inv.api.binaryMediaTypes) },
    headers: upstream.headers,
  })
  if (log?.data) await logMethodResponse(log, response)
  // Unlike MOCK and HTTP_PROXY, AWS returns the trace id on HTTP integration responses.
  response.headers.set('x-amzn-trace-id', headers.get('x-amzn-trace-id')!)
  return response
}

const utf8 = new TextDecoder()
