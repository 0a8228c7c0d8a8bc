import type { Invocation } from '../invocation'
import { contextOf } from '../context'
import { newOverrides } from '../vtl'
import { withQuery } from './uri'
import { integrationPathValues, mappedQuery } from './request-parameters'
import { checkHeaderValue, integrationRequestHeaders } from './request-headers'
import { methodRequestBody } from '../method-request/payload'
import { convert, isBinary, textOf, type Payload } from './content-handling'
import { selectRequestTemplate } from './request-template'
import { renderTemplate } from './templates'
import { templateInput } from './template-input'
import { compileIntegrationPlan, type IntegrationPlan } from './plan'

/** What a non-proxy integration (HTTP, AWS) sends, before it knows where. */
export interface IntegrationRequest {
  /** The rendered request template, or the (converted) client body passed through. */
  payload: Uint8Array
  /** The payload's media type: the template's key, or the client's Content-Type. */
  contentType: string | null
  /** Mapped headers, AWS's own, then `$context.requestOverride.header`. */
  headers: Headers
  /** Values for `{name}` placeholders, `requestOverride.path` applied. */
  pathValues: Record<string, string>
  /** Adds the mapped query parameters, then `requestOverride.querystring`, to a URL. */
  url(base: string): string
}

interface RequestOverride {
  header?: Record<string, unknown>
  querystring?: Record<string, unknown>
  path?: Record<string, unknown>
}

/**
 * The integration request step of HTTP and AWS integrations: contentHandling, the request
 * template (or passthrough, or 415), parameter mappings, and the template's request overrides.
 * The pipeline passes the integration's compiled plan; a caller outside it (a test) may leave
 * it out, and the integration is then compiled on the spot.
 * @example
 * const req = await integrationRequest(inv, plan)
 * await fetch(req.url(backendUrl(plan, inv.stage.variables, req.pathValues)), { headers: req.headers, body: req.payload })
 */
export async function integrationRequest(inv: Invocation, plan: IntegrationPlan = compileIntegrationPlan(inv.method!.integration)): Promise<IntegrationRequest> {
  const integration = plan.integration
  const clientContentType = inv.headers['content-type'] ?? null
  const received: Payload = { bytes: await methodRequestBody(inv), binary: isBinary(clientContentType, inv.api.binaryMediaTypes) }
  const converted = convert(received, integration.contentHandling)
  const clientBody = textOf(converted)
  Object.assign(contextOf(inv), newOverrides())

  const selected = selectRequestTemplate(plan.requestTemplates, integration.passthroughBehavior, clientContentType)
  const payload = selected === 'passthrough' ? converted.bytes : encoder.encode(renderTemplate(selected.template, templateInput(inv, clientBody), 'request'))
  const override = (contextOf(inv).requestOverride ?? {}) as RequestOverride

  const pathValues = integrationPathValues(inv, plan, clientBody)
  for (const [name, value] of Object.entries(override.path ?? {})) if (value != null) pathValues[name] = encodeURIComponent(String(value))
  const headers = new Headers(integrationRequestHeaders(inv, plan, false, clientBody))
  for (const [name, value] of Object.entries(override.header ?? {})) if (value != null) headers.set(name, checkHeaderValue(name, String(value)))
  const query = mappedQuery(inv, plan, clientBody)

  return {
    payload,
    contentType: selected === 'passthrough' ? clientContentType : selected.key,
    headers,
    pathValues,
    url: (base) => withQueryOverride(withQuery(base, query), override),
  }
}

/** `$context.requestOverride.querystring` replaces mapped query values once the template has run. */
function withQueryOverride(url: string, override: RequestOverride): string {
  const entries = Object.entries(override.querystring ?? {}).filter(([, v]) => v != null)
  if (entries.length === 0) return url
  const parsed = new URL(url)
  for (const [name, value] of entries) parsed.searchParams.set(name, String(value))
  return parsed.href
}

const encoder = new TextEncoder()
