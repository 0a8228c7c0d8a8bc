import type { Invocation } from '../invocation'
import type { MethodCache } from './settings'
import { isAdmin } from '../admin/auth'
import { GatewayError } from '../gateway-responses/error'
import { evaluatePolicy } from '../method-request/policy'
import { methodArn } from '../method-request/method-arn'

/** What the cache does with a request: use it, or refresh the entry from the integration. */
export type CacheIntent = { refresh: boolean; warning?: string }

/** The header AWS adds under SUCCEED_WITH_RESPONSE_HEADER (AWS's name and value are not documented). */
export const ignoredInvalidationWarning = '199 - "Cache-Control: max-age=0 ignored: not authorized to invalidate the cache"'

/** `Cache-Control: max-age=0` (any case, among other directives) asks to refresh the entry. */
export function asksToInvalidate(request: Request): boolean {
  const header = request.headers.get('cache-control')
  return header !== null && /(?:^|,)\s*max-age\s*=\s*"?0+"?\s*(?:,|$)/i.test(header)
}

/**
 * AWS's rules for `Cache-Control: max-age=0` (../shared/spec §7.4): with
 * `requireAuthorizationForCacheControl` off anyone may refresh; else only a caller allowed
 * `execute-api:InvalidateCache` — here the admin token, or an authorizer policy. Others get
 * what `unauthorizedCacheControlHeaderStrategy` says: 403, or the cached response with or
 * without a warning header.
 * @example const { refresh } = await invalidationIntent(inv, settings)
 */
export async function invalidationIntent(inv: Invocation, settings: MethodCache): Promise<CacheIntent> {
  if (!asksToInvalidate(inv.request)) return { refresh: false }
  if (!settings.requireAuthorization) return { refresh: true }
  if (authorizerAllowsInvalidateCache(inv) || (await isAdmin(inv.request, inv.env))) return { refresh: true }
  switch (settings.strategy) {
    case 'FAIL_WITH_403':
      throw new GatewayError('ACCESS_DENIED')
    case 'SUCCEED_WITH_RESPONSE_HEADER':
      return { refresh: false, warning: ignoredInvalidationWarning }
    default:
      return { refresh: false }
  }
}

/**
 * Whether the request's Lambda authorizer policy allows `execute-api:InvalidateCache` on the
 * method's ARN (the one it was authorized for). Cognito authorizers return no policy, so their
 * callers never may.
 */
export function authorizerAllowsInvalidateCache(inv: Invocation): boolean {
  const policy = inv.authorizer?.policy
  return policy !== undefined && evaluatePolicy(policy, 'execute-api:InvalidateCache', methodArn(inv)) === 'Allow'
}
