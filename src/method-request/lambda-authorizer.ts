import type { Authorizer } from '../definitions/table'
import type { Invocation } from '../invocation'
import type { LambdaOutput } from './authorizer-result'
import { GatewayError } from '../gateway-responses/error'
import { callLambda, errorMessageOf } from '../integration/aws/lambda-invoke'
import { awsTraceId } from '../integration/aws/trace-id'
import { requestFields } from '../integration/lambda-proxy/event'
import { compilePolicy } from './policy'

/** AWS documents 10 s for HTTP API authorizers and nothing for REST; the same bound serves both. */
const authorizerTimeoutMs = 10_000

/**
 * The input a Lambda authorizer receives (../shared/spec §5.1, §5.2): TOKEN gets the token and
 * the method ARN; REQUEST gets the request as the proxy event shows it, without the body.
 * @example authorizerInput(inv, authorizer, arn, ['Bearer abc']) // { type: 'TOKEN', authorizationToken: 'Bearer abc', methodArn: arn }
 */
export function authorizerInput(inv: Invocation, authorizer: Authorizer, methodArn: string, identity: string[]): Record<string, unknown> {
  if (authorizer.type === 'TOKEN') return { type: 'TOKEN', authorizationToken: identity[0], methodArn }
  const traceId = awsTraceId(inv.headers['x-amzn-trace-id'], inv.requestId, inv.startedAt)
  return { type: 'REQUEST', methodArn, ...requestFields(inv, traceId) }
}

/**
 * Invokes the authorizer function and checks its output (../shared/spec §5.3, §5.7). The error
 * message "Unauthorized" is a 401; any other function error is AUTHORIZER_FAILURE; a function
 * Lambda cannot invoke, a timeout, or an output without principalId, a usable policy or a flat
 * context is AUTHORIZER_CONFIGURATION_ERROR. Each 500 is logged with its reason.
 * @example const output = await invokeAuthorizer(inv, authorizer, input)
 */
export async function invokeAuthorizer<T = LambdaOutput>(
  inv: Invocation,
  authorizer: Authorizer,
  input: Record<string, unknown>,
  read: (text: string) => T | { error: string } = readOutput as (text: string) => T | { error: string },
): Promise<T> {
  const fail = (type: 'AUTHORIZER_FAILURE' | 'AUTHORIZER_CONFIGURATION_ERROR', why: string, cause?: unknown) => {
    console.error(`${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: authorizer ${authorizer.name}: ${why}`)
    inv.log?.error(`Authorizer error: ${why}`)
    return new GatewayError(type, { cause })
  }
  let result
  try {
    const headers = new Headers({ 'content-type': 'application/json' })
    const target = { region: authorizer.region!, functionArn: authorizer.functionArn! }
    result = await callLambda(inv, target, encoder.encode(JSON.stringify(input)), headers, { role: authorizer.credentialsRole, timeoutMs: authorizerTimeoutMs })
  } catch (e) {
    throw fail('AUTHORIZER_CONFIGURATION_ERROR', `invoking ${authorizer.functionArn} failed: ${e instanceof GatewayError ? e.type : e}`, e)
  }
  if ('refused' in result) throw fail('AUTHORIZER_CONFIGURATION_ERROR', `Lambda refused to invoke ${authorizer.functionArn}: ${result.reason}`)
  const text = utf8.decode(result.payload)
  if (result.functionError) {
    if (errorMessageOf(text) === 'Unauthorized') throw new GatewayError('UNAUTHORIZED')
    throw fail('AUTHORIZER_FAILURE', `the function failed: ${text.slice(0, 300)}`)
  }
  const output = read(text)
  if (typeof output === 'object' && output !== null && 'error' in output) throw fail('AUTHORIZER_CONFIGURATION_ERROR', `invalid output: ${output.error}`)
  return output as T
}

/**
 * A policy output (../shared/spec §5.3): principalId, a usable policy, a context of flat values
 * (`nested`: HTTP 2.0 allows lists and maps too).
 * @example readOutput('{"principalId": "u1", "policyDocument": {…}}') // { principalId: 'u1', policy, context: {} }
 */
export function readOutput(text: string, nested = false): LambdaOutput | { error: string } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { error: 'not JSON' }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'not a JSON object' }
  const out = raw as Record<string, unknown>
  if (typeof out.principalId !== 'string' && typeof out.principalId !== 'number') return { error: 'principalId is missing' }
  const policy = compilePolicy(out.policyDocument)
  if ('error' in policy) return policy
  const context: LambdaOutput['context'] = {}
  if (out.context !== undefined && out.context !== null) {
    if (typeof out.context !== 'object' || Array.isArray(out.context)) return { error: 'context is not an object' }
    for (const [key, value] of Object.entries(out.context)) {
      // REST allows only flat values: an object or a list in context is a configuration error.
      if (!nested && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return { error: `context.${key} is not a string, number or boolean` }
      context[key] = value
    }
  }
  if (out.usageIdentifierKey !== undefined && typeof out.usageIdentifierKey !== 'string') return { error: 'usageIdentifierKey is not a string' }
  return {
    principalId: String(out.principalId),
    policy,
    context,
    ...(typeof out.usageIdentifierKey === 'string' ? { usageIdentifierKey: out.usageIdentifierKey } : {}),
  }
}

const encoder = new TextEncoder()
const utf8 = new TextDecoder()
