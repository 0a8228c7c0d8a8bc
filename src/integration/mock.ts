import type { Invocation } from '../invocation'
import { contextOf } from '../context'
import { newOverrides } from '../vtl'
import { methodRequestBody } from '../method-request/payload'
import { selectRequestTemplate } from './request-template'
import { renderTemplate } from './templates'
import { templateInput } from './template-input'
import { integrationResponse } from './integration-response'
import type { IntegrationPlan } from './plan'

const decoder = new TextDecoder()

/**
 * MOCK: the request template's `statusCode` picks the integration response; the response
 * template sees an empty body (`{}`), and without one the body is empty.
 * @example const response = await mock(inv, plan)
 */
export async function mock(inv: Invocation, plan: IntegrationPlan): Promise<Response> {
  const body = decoder.decode(await methodRequestBody(inv))
  const context = contextOf(inv)
  Object.assign(context, newOverrides())

  let statusCode = '200'
  const selected = selectRequestTemplate(plan.requestTemplates, plan.integration.passthroughBehavior, inv.headers['content-type'] ?? null)
  if (selected !== 'passthrough') {
    const rendered = renderTemplate(selected.template, templateInput(inv, body), 'request')
    statusCode = statusCodeOf(rendered) ?? statusCode
  }
  return integrationResponse(inv, plan.responses, { selectionValue: statusCode, body: '' })
}

/** Reads `statusCode` from a rendered MOCK request template (REST and WebSocket); AWS accepts non-JSON such as `{statusCode: 200}`. */
export function statusCodeOf(rendered: string): string | undefined {
  try {
    const parsed = JSON.parse(rendered) as { statusCode?: unknown }
    if (parsed && typeof parsed === 'object' && parsed.statusCode !== undefined) return String(parsed.statusCode)
  } catch {
    // fall through to the lenient reading
  }
  return /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(rendered)?.[1]
}
