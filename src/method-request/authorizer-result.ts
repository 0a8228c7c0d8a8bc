import type { Policy } from './policy'

/** What a Lambda authorizer returned, checked and compiled; cached per identity for the TTL. */
export interface LambdaOutput {
  principalId: string
  policy: Policy
  /** REST and HTTP 1.0: strings, numbers, booleans; HTTP 2.0 also lists and maps. */
  context: Record<string, unknown>
  usageIdentifierKey?: string
}

/** An authorizer's result on one invocation. */
export interface AuthorizerResult {
  /** Lambda authorizers: the policy, kept for `execute-api:InvalidateCache` on the stage cache. */
  policy?: Policy
  /** Lambda authorizers: the API key, when `x-amazon-apigateway-api-key-source` is AUTHORIZER. */
  usageIdentifierKey?: string
  /** Who the caller is, for keeping callers apart in the stage cache. */
  principal: string
  /** `$context.authorizer` and the proxy event's `requestContext.authorizer`. */
  exposed: Record<string, unknown>
  /** HTTP APIs: the payload 2.0 event's `requestContext.authorizer` (`{jwt: {claims, scopes}}` or `{lambda: {…}}`). */
  eventV2?: Record<string, unknown>
}

/**
 * A Lambda authorizer's result as REST exposes it (../shared/spec §5.5): `principalId`,
 * `integrationLatency` (0 when served from the authorizer cache) and the context keys,
 * stringified as `$context.authorizer.<key>` shows them.
 * @example lambdaResult(output, 12).exposed // { principalId: 'user-1', integrationLatency: 12, tier: '3' }
 */
export function lambdaResult(output: LambdaOutput, integrationLatency: number): AuthorizerResult {
  const exposed: Record<string, unknown> = { principalId: output.principalId, integrationLatency }
  for (const [key, value] of Object.entries(output.context)) if (key !== 'principalId' && key !== 'integrationLatency') exposed[key] = String(value)
  return {
    policy: output.policy,
    ...(output.usageIdentifierKey !== undefined ? { usageIdentifierKey: output.usageIdentifierKey } : {}),
    principal: output.principalId,
    exposed,
  }
}

/**
 * A Cognito user pool's verified claims, exposed as `$context.authorizer.claims.<claim>` and
 * `requestContext.authorizer.claims`; REST shows every claim as a string.
 * @example cognitoResult({ sub: 'u1', auth_time: 1 }).exposed // { claims: { sub: 'u1', auth_time: '1' } }
 */
export function cognitoResult(payload: Record<string, unknown>): AuthorizerResult {
  const claims: Record<string, string> = {}
  for (const [key, value] of Object.entries(payload)) claims[key] = typeof value === 'string' ? value : JSON.stringify(value)
  return { principal: `cognito:${claims.iss}:${claims.sub}`, exposed: { claims } }
}

/**
 * A verified JWT as HTTP APIs expose it (../shared/spec §5.10): every claim a string (a list
 * reads `[a b]`, as AWS prints it), and the token's scopes, as `$context.authorizer.claims.<c>`
 * and the events' `requestContext.authorizer` (1.0: `{claims, scopes}`, 2.0: `{jwt: {claims, scopes}}`).
 * @example jwtResult({ sub: 'u1', exp: 1700000000 }, ['read']).eventV2 // { jwt: { claims: { sub: 'u1', exp: '1700000000' }, scopes: ['read'] } }
 */
export function jwtResult(payload: Record<string, unknown>, scopes: string[] | null): AuthorizerResult {
  const claims: Record<string, string> = {}
  for (const [key, value] of Object.entries(payload)) {
    claims[key] = typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
  return { principal: `jwt:${claims.iss}:${claims.sub}`, exposed: { claims, scopes }, eventV2: { jwt: { claims, scopes } } }
}

/**
 * An HTTP API Lambda authorizer's decision (../shared/spec §5.5, §5.8): context values as the
 * function returned them (not stringified), under `lambda` in the 2.0 event.
 * @example httpLambdaResult({ principalId: 'u1', context: { tier: 3 } }, 0).exposed // { principalId: 'u1', integrationLatency: 0, tier: 3 }
 */
export function httpLambdaResult(output: { principalId?: string; context: Record<string, unknown> }, integrationLatency: number): AuthorizerResult {
  const exposed: Record<string, unknown> = { ...output.context, integrationLatency }
  if (output.principalId !== undefined) exposed.principalId = output.principalId
  return { principal: `lambda:${output.principalId ?? JSON.stringify(output.context)}`, exposed, eventV2: { lambda: output.context } }
}
