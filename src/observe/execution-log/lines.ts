import type { GatewayError } from '../../gateway-responses/error'
import type { Invocation } from '../../invocation'
import type { ExecutionLog } from './log'
import { headerMap, masked } from './mask'

/** AWS truncates a data-trace body past 1 KB in its execution log; so do we. */
const maxBodyChars = 1024

const utf8 = new TextDecoder()

/**
 * A body as one log line: at most 1 KB, line breaks as `\n` and other control characters as
 * `\xNN`, so a body never starts a line of its own.
 * @example bodyText('{\n  "id": 1\n}') // '{\\n  "id": 1\\n}'
 */
export function bodyText(body: Uint8Array | string): string {
  const text = typeof body === 'string' ? body : utf8.decode(body.subarray(0, maxBodyChars * 4))
  const cut = text.length > maxBodyChars ? `${text.slice(0, maxBodyChars)} [TRUNCATED]` : text
  return cut.replace(/\r?\n/g, '\\n').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/**
 * AWS's usage plan line (INFO), once the API key step has passed: the key (masked) and stage,
 * or why no key was needed. A key refused ends the request, and its gateway response says so.
 * @example if (inv.log?.info) logUsagePlanCheck(inv)
 */
export function logUsagePlanCheck(inv: Invocation): undefined {
  const method = inv.method!
  const stage = `${inv.api.id}/${inv.stage.name}`
  inv.log!.info!(
    inv.apiKey
      ? `Usage Plan check succeeded for API Key ${masked(inv.apiKey.value)} and API Stage ${stage}`
      : `API Key  authorized because method '${method.httpMethod} ${method.resourcePath}' does not require API Key. Request will not contribute to throttle or quota limits`,
  )
  return undefined
}

/**
 * The endpoint request lines (INFO; headers and body with data trace). Returns when it was sent,
 * for the response's integration latency.
 * @example const sentAt = inv.log?.info && logEndpointRequest(inv.log, url, headers, req.payload)
 */
export function logEndpointRequest(log: ExecutionLog, url: string, headers: Headers, body?: Uint8Array): number {
  log.info!(`Endpoint request URI: ${url}`)
  if (log.data) {
    log.data(`Endpoint request headers: ${headerMap(headers, log.secrets)}`)
    if (body) log.data(`Endpoint request body after transformations: ${bodyText(body)}`)
  }
  log.info!(`Sending request to ${url}`)
  return Date.now()
}

/**
 * The endpoint response lines: status and integration latency (INFO), headers and the body
 * before the integration response's template (data trace).
 * @example if (sentAt) logEndpointResponse(inv.log!, upstream, sentAt, bytes)
 */
export function logEndpointResponse(log: ExecutionLog, response: Response, sentAt: number, body?: Uint8Array) {
  log.info!(`Received response. Status: ${response.status}, Integration latency: ${Date.now() - sentAt} ms`)
  if (!log.data) return
  log.data(`Endpoint response headers: ${headerMap(response.headers)}`)
  if (body) log.data(`Endpoint response body before transformations: ${bodyText(body)}`)
}

/**
 * The method response as the template made it (data trace): its body (read from a copy) and headers.
 * @example if (inv.log?.data) await logMethodResponse(inv.log, response)
 */
export async function logMethodResponse(log: ExecutionLog, response: Response) {
  log.data!(`Method response body after transformations: ${bodyText(await response.clone().text())}`)
  log.data!(`Method response headers: ${headerMap(response.headers)}`)
}

/**
 * The closing lines, when the response is handed back: for a failure, AWS's ERROR line when it
 * is the gateway's (5xx: `Execution failed due to …`), and at INFO the gateway response type;
 * then `Method completed with status: …`. Returns the request's lines as one text.
 * @example writeLines(closeExecutionLog(inv.log, inv.requestId, 200))
 */
export function closeExecutionLog(log: ExecutionLog, requestId: string, status: number, failure?: GatewayError): string {
  if (failure) {
    if (status >= 500) log.error(log.failed ?? (failure.type === 'INTEGRATION_TIMEOUT' ? 'Execution failed due to a timeout error' : `Execution failed due to configuration error: ${reasonOf(failure)}`))
    if (failure.type === 'UNAUTHORIZED') log.info?.(`Unauthorized request: ${requestId}`)
    log.info?.(`Gateway response type: ${failure.type} with status code: ${status}`)
  } else {
    log.info?.('Successfully completed execution')
  }
  log.info?.(`Method completed with status: ${status}`)
  return log.lines.join('\n')
}

/** What went wrong, as far as the failure says: its cause's message, else AWS's words for its type. */
function reasonOf(failure: GatewayError): string {
  if (failure.type === 'AUTHORIZER_FAILURE' || failure.type === 'AUTHORIZER_CONFIGURATION_ERROR') return 'Authorizer error'
  const cause = failure.cause
  if (cause instanceof Error && cause.name !== 'GatewayError') return cause.message
  if (cause && typeof cause === 'object' && 'type' in cause) return String(cause.type)
  return failure.options.message ?? failure.type
}
