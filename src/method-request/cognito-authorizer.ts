import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet } from 'jose'
import type { Authorizer } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'

type Keys = ReturnType<typeof createLocalJWKSet>

/** A pool's signing keys, per JWKS URL and isolate, with when they were fetched. */
const keySets = new Map<string, { keys: Keys; fetchedAt: number }>()
const maxAgeMs = 600_000
/** A token naming an unknown `kid` refetches the keys, at most this often. */
const cooldownMs = 30_000
const fetchTimeoutMs = 1500

/**
 * The pool's keys, fetched when missing, older than ten minutes, or (after the cooldown) when a
 * token names a key they lack. Each request fetches for itself: workerd cancels a request that
 * waits on another request's I/O, so an in-flight fetch is never shared.
 */
async function keysOf(uri: string, unknownKey = false): Promise<Keys> {
  const held = keySets.get(uri)
  const age = held ? Date.now() - held.fetchedAt : Infinity
  if (held && (unknownKey ? age < cooldownMs : age < maxAgeMs)) return held.keys
  const res = await fetch(uri, { signal: AbortSignal.timeout(fetchTimeoutMs), headers: { accept: 'application/json' } })
  if (!res.ok) throw new errors.JWKSInvalid(`JWKS answered ${res.status}`)
  const keys = createLocalJWKSet((await res.json()) as JSONWebKeySet)
  keySets.set(uri, { keys, fetchedAt: Date.now() })
  return keys
}

/** Verifies against the pool's keys, refetching them once if the token names a key they lack. */
async function verifyWithPool(token: string, pool: { issuer: string; jwksUri: string }) {
  const options = { issuer: pool.issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'token_use'] }
  try {
    return await jwtVerify(token, await keysOf(pool.jwksUri), options)
  } catch (e) {
    if (!(e instanceof errors.JWKSNoMatchingKey)) throw e
    return await jwtVerify(token, await keysOf(pool.jwksUri, true), options)
  }
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
    payload = (await verifyWithPool(token, pool)).payload
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
