import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { contextOf } from '../context'
import { newOverrides } from '../vtl'
import { backendUrl, withQuery } from './uri'
import { integrationPathValues, mappedQuery } from './request-parameters'
import { integrationRequestHeaders } from './request-headers'
import { maxPayloadBytes, readRequestBytes } from './body-limit'
import { convert, isBinary, textOf, type Payload } from './content-handling'
import { fetchWithTimeout } from './fetch-with-timeout'
import { selectRequestTemplate } from './request-template'
import { renderTemplate } from './templates'
import { templateInput } from './template-input'
import { integrationResponse } from './integration-response'

const bodyless = new Set(['GET', 'HEAD'])

/**
 * HTTP (non-proxy): the request template (or the passthrough body) goes to the backend with
 * only the headers AWS sends and those mapped; the backend's status picks the integration
 * response, whose template and mappings make the method response.
 */
export async function http(inv: Invocation): Promise<Response> {
  const integration = inv.method!.integration
  const clientContentType = inv.request.headers.get('content-type')
  const received: Payload = { bytes: new Uint8Array(await readRequestBytes(inv.request)), binary: isBinary(clientContentType, inv.api.binaryMediaTypes) }
  const converted = convert(received, integration.contentHandling)
  const clientBody = textOf(converted)
  const context = contextOf(inv)
  Object.assign(context, newOverrides())

  const selected = selectRequestTemplate(integration, clientContentType)
  const payload = selected === 'passthrough' ? converted.bytes : encoder.encode(renderTemplate(selected.template, templateInput(inv, clientBody), 'request'))
  const contentType = selected === 'passthrough' ? clientContentType : selected.key

  const override = (context.requestOverride ?? {}) as RequestOverride
  const pathValues = integrationPathValues(inv, integration, clientBody)
  for (const [name, value] of Object.entries(override.path ?? {})) if (value != null) pathValues[name] = encodeURIComponent(String(value))
  const url = withQueryOverride(withQuery(backendUrl(integration, inv.stage.variables, pathValues), mappedQuery(inv, integration, clientBody)), override)
  const headers = integrationRequestHeaders(inv, integration, false, clientBody)
  if (!headers.has('accept')) headers.set('accept', 'application/json')
  if (!headers.has('user-agent')) headers.set('user-agent', `AmazonAPIGateway_${inv.api.id}`)
  for (const [name, value] of Object.entries(override.header ?? {})) if (value != null) headers.set(name, String(value))

  const method = integration.httpMethod === 'ANY' || !integration.httpMethod ? inv.request.method : integration.httpMethod
  const sendBody = !bodyless.has(method)
  // AWS sends only its own headers and the mapped ones; a Content-Type only with a payload.
  if (sendBody && payload.length > 0 && contentType && !headers.has('content-type')) headers.set('content-type', contentType)

  // Bytes, not a string: fetch would add its own `Content-Type: text/plain` to a string body.
  const upstream = await fetchWithTimeout(url, { method, headers, body: sendBody ? payload : null, redirect: 'manual' }, integration.timeoutInMillis)
  const bytes = await readLimited(upstream)
  const response = integrationResponse(inv, integration, {
    selectionValue: String(upstream.status),
    body: utf8.decode(bytes),
    payload: { bytes, binary: isBinary(upstream.headers.get('content-type'), inv.api.binaryMediaTypes) },
    headers: upstream.headers,
  })
  // Unlike MOCK and HTTP_PROXY, AWS returns the trace id on HTTP integration responses.
  response.headers.set('x-amzn-trace-id', headers.get('x-amzn-trace-id')!)
  return response
}

interface RequestOverride {
  header?: Record<string, unknown>
  querystring?: Record<string, unknown>
  path?: Record<string, unknown>
}

/** `$context.requestOverride.querystring` replaces mapped query values once the template has run. */
function withQueryOverride(url: string, override: RequestOverride): string {
  const entries = Object.entries(override.querystring ?? {}).filter(([, v]) => v != null)
  if (entries.length === 0) return url
  const parsed = new URL(url)
  for (const [name, value] of entries) parsed.searchParams.set(name, String(value))
  return parsed.href
}

async function readLimited(res: Response): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > maxPayloadBytes) throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  return new Uint8Array(await res.arrayBuffer())
}

const encoder = new TextEncoder()
const utf8 = new TextDecoder()
