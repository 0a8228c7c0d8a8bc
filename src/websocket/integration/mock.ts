import type { IntegrationFactory } from './types'
import { compileIntegrationResponses, compileRequestTemplate } from './mapping'

/**
 * MOCK: the request template's `statusCode` picks the integration response (the `$default`
 * template, or the one `templateSelectionExpression` names); the response template renders the reply.
 * @example const run = mock(integration, api); const { body } = await run(inv)
 */
export const mock: IntegrationFactory = (integration) => {
  const request = compileRequestTemplate(integration)
  const respond = compileIntegrationResponses(integration)
  return async (inv) => {
    const rendered = request(inv)
    const status = (rendered !== undefined ? statusCodeOf(rendered) : undefined) ?? '200'
    return { status: Number(status), body: respond(inv, status, '') }
  }
}

/** `statusCode` of the rendered template; AWS also accepts non-JSON such as `{statusCode: 200}`. */
function statusCodeOf(rendered: string): string | undefined {
  try {
    const parsed = JSON.parse(rendered) as { statusCode?: unknown }
    if (parsed && typeof parsed === 'object' && parsed.statusCode !== undefined) return String(parsed.statusCode)
  } catch {
    // the lenient reading below
  }
  return /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(rendered)?.[1]
}
