import type { Integration, IntegrationResponse } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { gatewayHeaders, remappedResponseHeaders } from '../method-response/headers'
import { contextOf } from '../context'
import { evaluateJsonPath } from '../vtl'
import { selectIntegrationResponse } from './selection-pattern'
import { selectResponseTemplate } from './request-template'
import { renderTemplate } from './templates'
import { templateInput } from './template-input'
import { resolveRequestSource } from './mapping-sources'
import { convertResponse, firstAccepted, isBinary, textOf, type Payload } from './content-handling'

export interface IntegrationResult {
  /** What selection patterns match: the status code (HTTP, MOCK) or a Lambda error message; null takes the default response (a Lambda success). */
  selectionValue: string | null
  /** The integration's body as text, for templates and mappings. */
  body: string
  /** The same body as bytes, where it may be binary (HTTP integrations). */
  payload?: Payload
  headers?: Headers
}

interface ResponseOverride {
  status?: unknown
  header?: Record<string, unknown>
}

/**
 * Integration response → method response for non-proxy integrations: selection pattern,
 * response template (by Accept), `responseParameters`, then `$context.responseOverride`.
 */
export function integrationResponse(inv: Invocation, integration: Integration, result: IntegrationResult): Response {
  const selected = selectIntegrationResponse(integration.responses, result.selectionValue)
  if (!selected) throw new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error' })

  const accept = inv.headers.accept ?? null
  const types = inv.api.binaryMediaTypes
  const converted = result.payload && convertResponse(result.payload, selected.contentHandling, isBinary(firstAccepted(accept), types), types.length > 0)
  const headers = gatewayHeaders(inv.requestId, inv.extendedRequestId)

  let body: string | Uint8Array
  if (converted?.binary) {
    // A binary method response passes through; templates apply to text only.
    body = converted.bytes
    headers.set('content-type', result.headers?.get('content-type') ?? firstAccepted(accept) ?? 'application/octet-stream')
  } else {
    const text = converted ? textOf(converted) : result.body
    const chosen = selectResponseTemplate(selected.responseTemplates, accept)
    body = chosen ? renderTemplate(chosen.template, templateInput(inv, text), 'response') : text
    headers.set('content-type', chosen?.key ?? 'application/json')
  }
  mapResponseParameters(selected, inv, result, headers)

  const override = (contextOf(inv).responseOverride ?? {}) as ResponseOverride
  for (const [name, value] of Object.entries(override.header ?? {})) {
    if (value !== undefined && value !== null) headers.set(name, String(value))
  }
  return new Response(nullBodyStatus(statusOf(selected, override)) ? null : body, { status: statusOf(selected, override), headers })
}

function statusOf(selected: IntegrationResponse, override: ResponseOverride): number {
  const o = Number(override.status)
  // An override that is not an integer 100–599 is ignored.
  if (override.status !== undefined && override.status !== null && Number.isInteger(o) && o >= 100 && o <= 599) return o
  return Number(selected.statusCode)
}

const nullBodyStatus = (s: number) => s === 101 || s === 204 || s === 205 || s === 304

function mapResponseParameters(selected: IntegrationResponse, inv: Invocation, result: IntegrationResult, headers: Headers) {
  for (const [target, source] of Object.entries(selected.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1]
    if (!name) continue
    const value = responseSource(source, inv, result)
    if (value === undefined) continue
    const lower = name.toLowerCase()
    if (lower === 'transfer-encoding') continue
    headers.set(remappedResponseHeaders.has(lower) ? `x-amzn-Remapped-${name}` : name, value)
  }
}

/** `integration.response.{header|multivalueheader}.N`, `integration.response.body[.path]`, or a request-side source. */
function responseSource(source: string, inv: Invocation, result: IntegrationResult): string | undefined {
  const m = /^integration\.response\.(header|multivalueheader|body)(?:\.(.+))?$/.exec(source)
  if (!m) return resolveRequestSource(source, inv)
  if (m[1] !== 'body') return m[2] ? (result.headers?.get(m[2]) ?? undefined) : undefined
  if (!m[2]) return result.body
  let doc: unknown
  try {
    doc = JSON.parse(result.body)
  } catch {
    return undefined
  }
  const value = evaluateJsonPath(doc, `$.${m[2]}`)
  return value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)
}
