import type { Invocation } from '../../invocation'
import type { AwsTarget } from '../../definitions/aws-arn'
import { GatewayError } from '../../gateway-responses/error'
import { credentialsFor } from './credentials'
import { endpointFor } from './endpoints'
import { signedFetch } from './sign'
import { logEndpointRequest, logEndpointResponse } from '../../observe/execution-log/lines'

export interface LambdaResult {
  /** Lambda's own status: 200 (RequestResponse), 202 (Event), 204 (DryRun). */
  status: number
  /** `X-Amz-Function-Error` (`Unhandled`, `Handled`): the function failed and `payload` is its error. */
  functionError?: string
  payload: Uint8Array
  headers: Headers
}

/**
 * Calls Lambda's Invoke API (`POST /2015-03-31/functions/{function}/invocations`), SigV4-signed,
 * for AWS (non-proxy) and AWS_PROXY integrations. `headers` carries AWS's own headers and any
 * mapped Invoke headers (`X-Amz-Invocation-Type`, `X-Amz-Client-Context` …).
 *
 * Lambda answering anything but 2xx never reaches integration-response selection, as on AWS:
 * throttling (429) is INTEGRATION_FAILURE with 500, Lambda's own 5xx is INTEGRATION_FAILURE
 * with 502, any other refusal (no such function, no permission, bad payload) is a 500
 * configuration error. Each is logged with Lambda's reason.
 * @example
 * const { functionError, payload } = await invokeLambda(inv, target, encoder.encode('{"id": 7}'), headers)
 */
export async function invokeLambda(inv: Invocation, target: AwsTarget, payload: Uint8Array, headers: Headers): Promise<LambdaResult> {
  const integration = inv.method!.integration
  if (integration.httpMethod !== 'POST') {
    console.error(`${where(inv)}: Lambda is invoked with POST; the integration's httpMethod is ${integration.httpMethod}`)
    throw new GatewayError('API_CONFIGURATION_ERROR')
  }
  // Data trace: a proxy event holds the client's credentials; a non-proxy payload is the template's output.
  const logBodies = { request: integration.type === 'aws', response: true }
  const result = await callLambda(inv, target, payload, headers, { role: integration.credentialsRole, timeoutMs: integration.timeoutInMillis, logBodies })
  if (!('refused' in result)) return result
  const res = result.refused
  console.error(`${where(inv)}: Lambda invocation of ${target.functionArn} failed: ${result.reason}`)
  if (res.status === 429) throw new GatewayError('INTEGRATION_FAILURE', { status: 500 })
  if (res.status >= 500) throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  throw new GatewayError('API_CONFIGURATION_ERROR')
}

/**
 * One SigV4-signed Invoke call, shared by integrations and Lambda authorizers (each maps
 * Lambda's refusals to its own gateway response): the result, or the refusal and its reason.
 * @example const r = await callLambda(inv, target, payload, headers, { role: undefined, timeoutMs: 10_000 })
 */
export async function callLambda(
  inv: Invocation,
  target: { region: string; functionArn?: string },
  payload: Uint8Array,
  headers: Headers,
  options: { role: string | undefined; timeoutMs: number; logBodies?: { request: boolean; response: boolean } },
): Promise<LambdaResult | { refused: Response; reason: string }> {
  const credentials = await credentialsFor(inv, target.region, options.role)
  const url = `${endpointFor(inv.api, inv.env, 'lambda', target.region)}/2015-03-31/functions/${encodeURIComponent(target.functionArn!)}/invocations`
  // Execution log: bodies only where the caller says they hold no credential (an authorizer's input holds the token).
  const log = inv.log
  const sentAt = log?.info && logEndpointRequest(log, url, headers, options.logBodies?.request ? payload : undefined)
  const { response: res, bytes: body } = await signedFetch({ url, method: 'POST', headers, body: payload, service: 'lambda', region: target.region }, credentials, options.timeoutMs)
  if (sentAt) logEndpointResponse(log!, res, sentAt, options.logBodies?.response ? body : undefined)
  if (res.status >= 200 && res.status < 300) {
    const functionError = res.headers.get('x-amz-function-error') ?? undefined
    return { status: res.status, payload: body, headers: res.headers, ...(functionError ? { functionError } : {}) }
  }
  return { refused: res, reason: `${res.status} ${res.headers.get('x-amzn-errortype')?.split(':')[0] ?? ''} ${new TextDecoder().decode(body).slice(0, 300)}` }
}

/**
 * A Lambda error payload's `errorMessage`: what selection patterns match for AWS integrations.
 * @example errorMessageOf('{"errorMessage": "Order 8 not found", "errorType": "NotFound"}') // 'Order 8 not found'
 */
export function errorMessageOf(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorMessage?: unknown }
    return typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : ''
  } catch {
    return ''
  }
}

const where = (inv: Invocation) => `${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}`
