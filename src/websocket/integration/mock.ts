import type { IntegrationFactory } from './types'
import { compileIntegrationResponses, compileRequestTemplate } from './mapping'
import { statusCodeOf } from '../../integration/mock'

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
