import type { IntegrationFactory } from './types'
import type { WebSocketInvocation } from '../invocation'
import { GatewayError } from '../../gateway-responses/error'
import { fetchWholeWithTimeout } from '../../integration/fetch-with-timeout'
import { stageVariableRef } from '../../definitions/integration'
import { compileIntegrationResponses, compileRequestParameters, compileRequestTemplate } from './mapping'

const utf8 = new TextDecoder()

/**
 * HTTP_PROXY and HTTP: the message (or, for HTTP, the rendered request template) is sent with
 * `integrationMethod` to `integrationUri`, with the mapped headers and query parameters. The proxy
 * passes the backend's body back as it is; HTTP maps it through the integration responses,
 * selected by the backend's status.
 * @example const run = http(integration, api); const { status, body } = await run(inv)
 */
export const http: IntegrationFactory = (integration) => {
  const proxy = integration.type === 'http_proxy'
  const parameters = compileRequestParameters(integration)
  const request = proxy ? undefined : compileRequestTemplate(integration)
  const respond = proxy ? undefined : compileIntegrationResponses(integration)
  const bodyless = integration.method === 'GET' || integration.method === 'HEAD'
  return async (inv) => {
    const { headers, query } = parameters(inv)
    let url = fillStageVariables(integration.uri!, inv)
    if (query.length) url += (url.includes('?') ? '&' : '?') + new URLSearchParams(query).toString()
    const payload = request?.(inv) ?? inv.body
    const { response, bytes } = await fetchWholeWithTimeout(
      url,
      { method: integration.method, headers, body: bodyless ? undefined : payload, redirect: 'manual' },
      integration.timeoutInMillis,
    )
    const body = utf8.decode(bytes)
    return { status: response.status, body: respond ? respond(inv, String(response.status), body) : body }
  }
}

/** `${stageVariables.x}` filled in; one the stage leaves unset is a configuration error, as on AWS. */
function fillStageVariables(uri: string, inv: WebSocketInvocation): string {
  return uri.replace(stageVariableRef, (_, name: string) => {
    const value = inv.stage.variables[name]
    if (!value) throw new GatewayError('API_CONFIGURATION_ERROR')
    return value
  })
}
