import type { IntegrationFactory } from './types'
import { GatewayError } from '../../gateway-responses/error'
import { callLambda, errorMessageOf } from '../../integration/aws/lambda-invoke'
import { lambdaCaller } from '../lambda-caller'
import { lambdaProxyEvent } from '../lambda-event'
import { compileIntegrationResponses, compileRequestTemplate } from './mapping'

const encoder = new TextEncoder()
const utf8 = new TextDecoder()

/**
 * AWS_PROXY and AWS with Lambda. The proxy sends the WebSocket event and reads
 * `{statusCode, headers, body}` back (a function error is an integration failure); the non-proxy
 * form sends the rendered request template (or the message) and maps the result through the
 * integration responses, matching a function error's `errorMessage` against their keys.
 * @example const run = lambda(integration, api); const { status, body } = await run(inv)
 */
export const lambda: IntegrationFactory = (integration) => {
  const proxy = integration.type === 'aws_proxy'
  const request = proxy ? undefined : compileRequestTemplate(integration)
  const respond = proxy ? undefined : compileIntegrationResponses(integration)
  const target = { region: integration.region!, functionArn: integration.functionArn! }
  return async (inv) => {
    const payload = proxy ? JSON.stringify(lambdaProxyEvent(inv)) : (request!(inv) ?? (inv.body || '{}'))
    const caller = lambdaCaller(inv, integration.credentialsRole, integration.timeoutInMillis)
    const headers = new Headers({ 'content-type': 'application/json' })
    const result = await callLambda(caller, target, encoder.encode(payload), headers, { role: integration.credentialsRole, timeoutMs: integration.timeoutInMillis })
    if ('refused' in result) {
      console.error(`${inv.api.id} ${inv.route.routeKey}: Lambda invocation of ${target.functionArn} failed: ${result.reason}`)
      throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
    }
    const text = utf8.decode(result.payload)
    if (!proxy) {
      if (result.functionError) return { status: 200, body: respond!(inv, errorMessageOf(text), text) }
      return { status: 200, body: respond!(inv, null, text) }
    }
    if (result.functionError) {
      console.error(`${inv.api.id} ${inv.route.routeKey}: the function failed: ${text.slice(0, 300)}`)
      throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
    }
    return proxyResult(text)
  }
}

/** `{statusCode, headers, body}`; a missing statusCode is 200; any other JSON is the body itself (unverified). */
function proxyResult(text: string): { status: number; body: string; headers?: Record<string, string> } {
  let out: unknown
  try {
    out = JSON.parse(text)
  } catch {
    return { status: 200, body: text }
  }
  if (!out || typeof out !== 'object' || Array.isArray(out)) return { status: 200, body: text }
  const r = out as { statusCode?: unknown; headers?: unknown; body?: unknown }
  const status = r.statusCode === undefined ? 200 : Number(r.statusCode)
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  const body = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
  const headers: Record<string, string> = {}
  if (r.headers && typeof r.headers === 'object') for (const [k, v] of Object.entries(r.headers)) headers[k] = String(v)
  return { status, body, headers }
}
