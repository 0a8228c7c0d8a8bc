import type { Authorizer } from '../definitions/table'
import type { Invocation } from '../invocation'
import type { Policy } from './policy'
import { awsTraceId } from '../integration/aws/trace-id'
import { requestFields } from '../integration/lambda-proxy/event'
import { requestFieldsV2 } from '../integration/lambda-proxy/event-v2'
import { readOutput } from './lambda-authorizer'

/** An HTTP API Lambda authorizer's answer: a simple `isAuthorized`, or a policy to evaluate. */
export type HttpLambdaOutput = { context: Record<string, unknown>; principalId?: string } & ({ isAuthorized: boolean } | { policy: Policy })

/**
 * The input of an HTTP API Lambda authorizer (../shared/spec §5.2, §5.8). 2.0: the 2.0 event
 * without its body, with `routeArn` and the identity values as a list. 1.0: REST's REQUEST
 * input with `version`, and the identity values joined by commas as `identitySource` and
 * `authorizationToken`.
 * @example httpAuthorizerInput(inv, authorizer, arn, ['Bearer abc']) // { version: '2.0', type: 'REQUEST', routeArn: arn, identitySource: ['Bearer abc'], … }
 */
export function httpAuthorizerInput(inv: Invocation, authorizer: Authorizer, routeArn: string, identity: string[]): Record<string, unknown> {
  const traceId = awsTraceId(inv.headers['x-amzn-trace-id'], inv.requestId, inv.startedAt)
  if (authorizer.payloadFormatVersion === '2.0') {
    const { version, ...fields } = requestFieldsV2(inv, traceId)
    return { version, type: 'REQUEST', routeArn, identitySource: identity, ...fields }
  }
  const joined = identity.join(',')
  return { version: '1.0', type: 'REQUEST', methodArn: routeArn, identitySource: joined, authorizationToken: joined, ...requestFields(inv, traceId) }
}

/**
 * Reads the function's answer: with simple responses `{isAuthorized, context}`, else REST's
 * policy output, whose context may hold lists and maps under payload 2.0.
 * @example readHttpOutput(authorizer)('{"isAuthorized": true, "context": {"tier": 3}}') // { isAuthorized: true, context: { tier: 3 } }
 */
export function readHttpOutput(authorizer: Authorizer): (text: string) => HttpLambdaOutput | { error: string } {
  const nested = authorizer.payloadFormatVersion === '2.0'
  if (!authorizer.simpleResponses) return (text) => readOutput(text, nested)
  return (text) => {
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      return { error: 'not JSON' }
    }
    const out = raw as { isAuthorized?: unknown; context?: unknown } | null
    if (typeof out !== 'object' || out === null || Array.isArray(out)) return { error: 'not a JSON object' }
    if (typeof out.isAuthorized !== 'boolean') return { error: 'isAuthorized is not true or false' }
    if (out.context !== undefined && out.context !== null && (typeof out.context !== 'object' || Array.isArray(out.context))) return { error: 'context is not an object' }
    return { isAuthorized: out.isAuthorized, context: (out.context ?? {}) as Record<string, unknown> }
  }
}
