import type { Invocation } from '../invocation'
import { contextOf } from '../context'
import { newOverrides } from '../vtl'
import { methodRequestBody } from '../method-request/payload'
import { selectRequestTemplate } from './request-template'
import { renderTemplate } from './templates'
import { templateInput } from './template-input'
import { integrationResponse } from './integration-response'

const decoder = new TextDecoder()

/**
 * MOCK: the request template's `statusCode` picks the integration response; the response
 * template sees an empty body (`{}`), and without one the body is empty.
 */
export async function mock(inv: Invocation): Promise<Response> {
  const integration = inv.method!.integration
  const body = decoder.decode(await methodRequestBody(inv))
  const context = contextOf(inv)
  Object.assign(context, newOverrides())

  let statusCode = '200'
  const selected = selectRequestTemplate(integration, inv.headers['content-type'] ?? null)
  if (selected !== 'passthrough') {
    const rendered = renderTemplate(selected.template, templateInput(inv, body), 'request')
    statusCode = statusCodeOf(rendered) ?? statusCode
  }
  return integrationResponse(inv, integration, { selectionValue: statusCode, body: '' })
}

/** Reads `statusCode` from the rendered request template; AWS accepts non-JSON such as `{statusCode: 200}`. */
function statusCodeOf(rendered: string): string | undefined {
  try {
    const parsed = JSON.parse(rendered) as { statusCode?: unknown }
    if (parsed && typeof parsed === 'object' && parsed.statusCode !== undefined) return String(parsed.statusCode)
  } catch {
    // fall through to the lenient reading
  }
  return /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(rendered)?.[1]
}
