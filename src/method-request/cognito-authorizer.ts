import { decodeJwt, errors } from 'jose'
import { KeysUnavailable, verifyWithRotation, type KeyStore } from './jwks'
import type { Authorizer } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'

const cognitoChecks = (issuer: string) => ({ issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'token_use'] })

/**
 * A Cognito user pool token (../shared/spec §5.9): signed by a key of the pool whose issuer it
 * names, unexpired, and — with no scopes on the method — an ID token; with scopes, an access
 * token holding at least one of them. Any failure is 401; the pool's keys out of reach is a 500.
 * A `Bearer ` prefix is accepted (AWS's handling of it is unverified).
 * @example const claims = await verifyCognitoToken(inv, authorizer, token, ['pets/read'], createKeyStore())
 */
export async function verifyCognitoToken(inv: Invocation, authorizer: Authorizer, header: string, scopes: string[], store: KeyStore): Promise<Record<string, unknown>> {
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
    payload = (await verifyWithRotation(token, store, pool.jwksUri, cognitoChecks(pool.issuer))).payload
  } catch (e) {
    if (e instanceof KeysUnavailable || !(e instanceof errors.JOSEError)) {
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
