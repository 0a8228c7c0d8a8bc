import { createRemoteJWKSet, decodeJwt, errors, jwtVerify } from 'jose'
import type { Authorizer } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'

/** Signing keys per JWKS URL, per isolate: jose refetches them when a token names an unknown `kid`. */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>()
const keySetOf = (uri: string) => {
  let set = keySets.get(uri)
  if (!set) keySets.set(uri, (set = createRemoteJWKSet(new URL(uri), { timeoutDuration: 1500, cooldownDuration: 30_000, cacheMaxAge: 600_000 })))
  return set
}

/**
 * A Cognito user pool token (../shared/spec §5.9): signed by a key of the pool whose issuer it
 * names, unexpired, and — with no scopes on the method — an ID token; with scopes, an access
 * token holding at least one of them. Any failure is 401; the pool's keys out of reach is a 500.
 * A `Bearer ` prefix is accepted (AWS's handling of it is unverified).
 * @example const claims = await verifyCognitoToken(inv, authorizer, token, ['pets/read'])
 */
export async function verifyCognitoToken(inv: Invocation, authorizer: Authorizer, header: string, scopes: string[]): Promise<Record<string, unknown>> {
  const token = header.replace(/^Bearer\s+/i, '')
  let issuer: unknown
  try {
    issuer = decodeJwt(token).iss
  } catch {
    throw new GatewayError('UNAUTHORIZED')
  }
  const pool = authorizer.userPools!.find((p) => p.issuer === issuer)
  if (!pool) throw new GatewayError('UNAUTHORIZED')
  let payload: Record<string, unknown>
  try {
    payload = (await jwtVerify(token, keySetOf(pool.jwksUri), { issuer: pool.issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'token_use'] })).payload
  } catch (e) {
    if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid || !(e instanceof errors.JOSEError)) {
      console.error(`${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: authorizer ${authorizer.name}: keys at ${pool.jwksUri} unusable: ${e}`)
      throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', { cause: e })
    }
    throw new GatewayError('UNAUTHORIZED')
  }
  if (scopes.length === 0) {
    if (payload.token_use !== 'id') throw new GatewayError('UNAUTHORIZED')
  } else {
    const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : []
    if (payload.token_use !== 'access' || !scopes.some((s) => granted.includes(s))) throw new GatewayError('UNAUTHORIZED')
  }
  return payload
}
