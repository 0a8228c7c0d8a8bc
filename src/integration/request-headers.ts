import type { RequestPlan } from './request-plan'
import { forwardedFor, type Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { clientKeyed } from '../client-keyed'

/** Cloudflare's own request headers: they describe the hop to the gateway, not the client's request. */
export const cloudflareHopHeaders = ['cf-connecting-ip', 'cf-ipcountry', 'cf-ray', 'cf-visitor', 'cdn-loop']

/**
 * Headers about the connection a request came over (RFC 9110 §7.6.1 and their older spellings),
 * plus those AWS also keeps to itself (recorded): no integration sees them from the client.
 */
export const hopHeaders = [
  'connection',
  'content-md5',
  'expect',
  'keep-alive',
  'max-forwards',
  'proxy-authenticate',
  'proxy-connection',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'www-authenticate',
  ...cloudflareHopHeaders,
]

/** Client headers HTTP_PROXY does not forward (recorded against AWS), plus Host, which fetch sets. */
const notForwarded = new Set([...hopHeaders, 'content-encoding', 'host', 'via'])

/**
 * A mapping AWS refuses to send makes every call a 500 (recorded for HTTP, AWS and AWS_PROXY).
 * @example checkMappableHeaders(plan) // throws for integration.request.header.TE on an AWS integration
 */
export function checkMappableHeaders(plan: Pick<RequestPlan, 'refusesHeaderMapping'>) {
  if (plan.refusesHeaderMapping) throw new GatewayError('API_CONFIGURATION_ERROR')
}

/** Characters HTTP allows in no header value: control characters but the tab, and DEL. */
const notInHeaderValue = /[\x00-\x08\x0a-\x1f\x7f]/

/**
 * Refuses a header value a mapping or a template produced when HTTP would not carry it (CR, LF,
 * NUL or another control character), whatever its source: AWS's 400 BAD_REQUEST_PARAMETERS for
 * every integration type, on the integration request before it is sent and on the method
 * response alike. The value mostly comes from the client (`method.request.querystring.q`), so it
 * is a bad request, never a backend failure; and it is never cut, cleaned or sent on.
 * @example checkHeaderValue('x-q', 'a\r\nb') // throws a 400
 */
export function checkHeaderValue(name: string, value: string): string {
  if (notInHeaderValue.test(value)) {
    throw new GatewayError('BAD_REQUEST_PARAMETERS', { message: `Invalid header value for ${name}: control characters are not allowed` })
  }
  return value
}

/**
 * `Root=1-<epoch hex>-<24 hex>`, the X-Ray trace id AWS adds to integration requests.
 * Its random part comes from the request id (a random UUID), so no second draw is needed.
 */
export function traceIdFor(requestId: string, now: number): string {
  // A UUID is 8-4-4-4-12 hex digits: the last 24 of them, without dashes.
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${requestId.slice(9, 13)}${requestId.slice(14, 18)}${requestId.slice(19, 23)}${requestId.slice(24)}`
}

/**
 * The headers an integration request carries, as a plain record for the request's init (the
 * runtime takes it in one pass): forwarded client headers (proxy only; the client's address
 * added to X-Forwarded-For at the edge), then `integration.request.header.*` mappings, which
 * replace a client header of the same name, then AWS's own. Non-proxy integrations get the
 * client's W3C `traceparent`/`tracestate` alone.
 * @example await fetch(url, { headers: integrationRequestHeaders(inv, plan, true) })
 */
export function integrationRequestHeaders(inv: Invocation, plan: RequestPlan, forwardClient: boolean, body?: string): Record<string, string> {
  const headers = clientKeyed<string>()
  if (forwardClient) {
    for (const name in inv.headers) if (!notForwarded.has(name)) headers[name] = inv.headers[name]
    if (inv.api.endpointType === 'EDGE') {
      // At the edge, as CloudFront does in front of AWS's edge-optimized APIs; mappings still win.
      headers['x-forwarded-for'] = forwardedFor(inv)
    }
  } else {
    // Beyond AWS: W3C trace context reaches non-proxy backends too, as proxied ones get it with the client's headers.
    if (inv.headers.traceparent) headers.traceparent = inv.headers.traceparent
    if (inv.headers.tracestate) headers.tracestate = inv.headers.tracestate
  }
  checkMappableHeaders(plan)
  for (const { name, read } of plan.headers) {
    const value = read(inv, body)
    if (value !== undefined) headers[name] = checkHeaderValue(name, value)
  }
  headers['x-amzn-apigateway-api-id'] = inv.api.id
  headers['x-amzn-trace-id'] = inv.headers['x-amzn-trace-id'] ?? traceIdFor(inv.requestId, inv.startedAt)
  return headers
}
