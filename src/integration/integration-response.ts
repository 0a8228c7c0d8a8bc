import type { Integration, IntegrationResponse } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { gatewayHeaders, remappedResponseHeaders } from '../method-response/headers'
import { contextOf } from '../context'
import { evaluateJsonPath } from '../vtl'
import { compileSelectionPattern, selectIntegrationResponse, type SelectionPattern } from './selection-pattern'
import { selectResponseTemplate } from './request-template'
import { compileMediaTemplates, renderTemplate, type MediaTemplate, type TemplateCompiler } from './templates'
import { templateInput } from './template-input'
import { compileSource } from './mapping-sources'
import { checkHeaderValue } from './request-headers'
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

/** One integration response, compiled: its selection pattern, templates and header mappings. */
export interface ResponsePlan {
  response: IntegrationResponse
  /** Null for the default response. */
  pattern: SelectionPattern | null
  templates: MediaTemplate[]
  parameters: { header: string; read: ResponseSource }[]
}

/** A `method.response.header.*` source read against the integration's result. */
type ResponseSource = (inv: Invocation, result: IntegrationResult) => string | undefined

/**
 * The integration's responses compiled once, in the order they are tried (the default last).
 * @example const responses = compileResponsePlans(integration, templateCompiler())
 */
export function compileResponsePlans(integration: Integration, templateFor: TemplateCompiler): ResponsePlan[] {
  return integration.responses.map((response) => {
    const parameters: ResponsePlan['parameters'] = []
    for (const [target, source] of Object.entries(response.responseParameters)) {
      const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1]
      if (!name) continue
      const lower = name.toLowerCase()
      if (lower === 'transfer-encoding') continue
      parameters.push({ header: remappedResponseHeaders.has(lower) ? `x-amzn-Remapped-${name}` : name, read: compileResponseSource(source) })
    }
    return { response, pattern: compileSelectionPattern(response.selectionPattern), templates: compileMediaTemplates(response.responseTemplates, templateFor), parameters }
  })
}

/**
 * Integration response → method response for non-proxy integrations: selection pattern,
 * response template (by Accept), `responseParameters`, then `$context.responseOverride`. A
 * header value HTTP cannot carry is a 400 (`checkHeaderValue`).
 * @example return integrationResponse(inv, plan.responses, { selectionValue: '200', body: '' })
 */
export function integrationResponse(inv: Invocation, responses: ResponsePlan[], result: IntegrationResult): Response {
  const plan = selectIntegrationResponse(responses, result.selectionValue)
  if (!plan) throw new GatewayError('API_CONFIGURATION_ERROR')
  const selected = plan.response

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
    const chosen = selectResponseTemplate(plan.templates, accept)
    body = chosen ? renderTemplate(chosen.template, templateInput(inv, text), 'response') : text
    headers.set('content-type', chosen?.key ?? 'application/json')
  }
  for (const { header, read } of plan.parameters) {
    const value = read(inv, result)
    if (value !== undefined) headers.set(header, checkHeaderValue(header, value))
  }

  const override = (contextOf(inv).responseOverride ?? {}) as ResponseOverride
  for (const [name, value] of Object.entries(override.header ?? {})) {
    if (value !== undefined && value !== null) headers.set(name, checkHeaderValue(name, String(value)))
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

/** `integration.response.{header|multivalueheader}.N`, `integration.response.body[.path]`, or a request-side source. */
function compileResponseSource(source: string): ResponseSource {
  const m = /^integration\.response\.(header|multivalueheader|body)(?:\.(.+))?$/.exec(source)
  if (!m) {
    const read = compileSource(source)
    return (inv) => read(inv, undefined)
  }
  const [, location, name] = m
  if (location !== 'body') return name ? (_, result) => result.headers?.get(name) ?? undefined : () => undefined
  if (!name) return (_, result) => result.body
  const path = `$.${name}`
  return (_, result) => {
    let doc: unknown
    try {
      doc = JSON.parse(result.body)
    } catch {
      return undefined
    }
    const value = evaluateJsonPath(doc, path)
    return value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)
  }
}
