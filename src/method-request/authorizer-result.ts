import type { Policy } from './policy'

/** What a Lambda authorizer returned, checked and compiled; cached per identity for the TTL. */
export interface LambdaOutput {
  principalId: string
  policy: Policy
  context: Record<string, string | number | boolean>
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
