import type { Authorizer } from '../definitions/table'
import type { LambdaOutput } from '../method-request/authorizer-result'
import type { WebSocketInvocation } from './invocation'
import { GatewayError } from '../gateway-responses/error'
import { AuthorizerCache } from '../method-request/authorizer-cache'
import { lambdaResult } from '../method-request/authorizer-result'
import { invokeAuthorizer } from '../method-request/lambda-authorizer'
import { evaluatePolicy } from '../method-request/policy'
import { executeApiArn } from '../method-request/method-arn'
import { lambdaCaller } from './lambda-caller'
import { lambdaProxyEvent } from './lambda-event'
import { webSocketContext } from './invocation'

/** AWS's bound on a Lambda authorizer, as for HTTP APIs. */
const authorizerTimeoutMs = 10_000

/**
 * The `$connect` REQUEST Lambda authorizer (../shared/spec §9.2): identity sources from the
 * handshake (`route.request.header.X`, `route.request.querystring.X`, stage variables, context);
 * a missing one is 401 without invoking the function, "Unauthorized" from the function 401, a deny 403. Results are cached per
 * identity for `authorizerResultTtlInSeconds` in this factory's cache.
 * @example const authorize = createConnectAuthorizer(); const result = await authorize(inv, authorizer)
 */
export function createConnectAuthorizer() {
  const outputs = new AuthorizerCache<LambdaOutput>()
  return async function authorize(inv: WebSocketInvocation, authorizer: Authorizer) {
    // WebSocket authorizers refuse a missing identity source without invoking the function, cached or not.
    const identity = readIdentity(inv, authorizer)
    if (!identity) throw new GatewayError('UNAUTHORIZED')
    const methodArn = executeApiArn(inv.api, `${inv.stage.name}/$connect`)
    const key = JSON.stringify([inv.api.id, inv.stage.name, authorizer.name, identity])
    const started = Date.now()
    const { value, cached } = outputs.get(key, authorizer.ttlSeconds, () =>
      invokeAuthorizer(lambdaCaller(inv, authorizer.credentialsRole, authorizerTimeoutMs), authorizer, { type: 'REQUEST', methodArn, ...lambdaProxyEvent(inv) }),
    )
    const output = await value
    const decision = evaluatePolicy(output.policy, 'execute-api:Invoke', methodArn)
    if (decision === 'Deny') throw new GatewayError('ACCESS_DENIED', { message: 'User is not authorized to access this resource with an explicit deny' })
    if (decision === 'ImplicitDeny') throw new GatewayError('ACCESS_DENIED')
    return lambdaResult(output, cached ? 0 : Date.now() - started)
  }
}

function readIdentity(inv: WebSocketInvocation, authorizer: Authorizer): string[] | undefined {
  const values: string[] = []
  for (const { location, name } of authorizer.identitySources) {
    let value: unknown
    if (location === 'header') value = inv.headers[name]
    else if (location === 'querystring') value = inv.query?.getAll(name).at(-1)
    else if (location === 'stageVariables') value = inv.stage.variables[name]
    else {
      value = webSocketContext(inv)
      for (const k of name.split('.')) value = (value as Record<string, unknown> | undefined)?.[k]
    }
    if (value === undefined || value === null || value === '') return undefined
    values.push(String(value))
  }
  return values
}
