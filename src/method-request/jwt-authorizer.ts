import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose'
import type { Authorizer } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { KeysUnavailable, verifyWithRotation, type KeySet, type KeyStore } from './jwks'

/** RSA as AWS documents, and ECDSA; never `none` or an HMAC, whose "key" would be public. */
const algorithms = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512']
/** Longer tokens are refused before any decoding (AWS's own bound is unstated; its headers stop at 10 KB). */
export const maxTokenLength = 8192

/** A token that passed every check but the route's scopes, kept while the keys that verified it are held. */
interface Verified {
  keys: KeySet
  claims: JWTPayload
  scopes: string[] | null
}

/** Verified tokens kept per authorizer: the same bytes verify the same way while the keys stay. */
const maxVerified = 10_000

/**
 * An HTTP API JWT authorizer's check (../shared/spec §5.10): the token (with or without
 * `Bearer `) is signed by a key the issuer's discovery document lists, names that key's `kid`,
 * has the configured `iss`, an `aud` (or, without `aud`, a `client_id`) in the audience,
 * `exp` after now and `nbf`/`iat` not after now. A route with scopes needs one of them in
 * `scope` or `scp` (else 403). Failures are 401 with AWS's `www-authenticate` header; keys out
 * of reach are a 500, and no request passes unverified. A token seen before skips the signature
 * while the key set that verified it is still the one held (a refreshed or rotated set verifies
 * it again); its times are checked on every request.
 * @example
 * const verifyJwt = createJwtVerifier(createKeyStore())
 * const { claims, scopes } = await verifyJwt(inv, authorizer, 'Bearer eyJ…', ['pets/read'])
 */
export function createJwtVerifier(store: KeyStore) {
  const verified = new Map<Authorizer, Map<string, Verified>>()

  async function verify(inv: Invocation, authorizer: Authorizer, token: string): Promise<Verified> {
    const { issuer, audience } = authorizer.jwt!
    let kid: unknown
    let iss: unknown
    try {
      kid = decodeProtectedHeader(token).kid
      iss = decodeJwt(token).iss
    } catch {
      throw unauthorized('the token is not a valid JWT')
    }
    if (typeof kid !== 'string') throw unauthorized('the token has no kid')
    // A foreign issuer's token never makes us fetch anything.
    if (iss !== issuer) throw unauthorized('the token does not have a valid issuer')

    let claims: JWTPayload
    let keys: KeySet
    try {
      const jwksUri = await store.jwksUriOf(issuer)
      claims = (await verifyWithRotation(token, store, jwksUri, { issuer, algorithms, requiredClaims: ['exp'] })).payload
      keys = await store.keys(jwksUri)
    } catch (e) {
      if (e instanceof KeysUnavailable || !(e instanceof errors.JOSEError)) {
        console.error(`${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: authorizer ${authorizer.name}: signing keys of ${issuer} unusable: ${e}`)
        throw new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', { cause: e })
      }
      throw unauthorized(describe(e))
    }
    // AWS reads client_id only when there is no aud.
    const audiences = claims.aud !== undefined ? [claims.aud].flat() : [claims.client_id]
    if (!audiences.some((a) => typeof a === 'string' && audience.includes(a))) throw unauthorized('the token does not have a valid audience')
    if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000) throw unauthorized('the token was issued in the future')
    return { keys, claims, scopes: scopesOf(claims) }
  }

  return async function verifyJwt(inv: Invocation, authorizer: Authorizer, value: string, routeScopes: string[]): Promise<{ claims: JWTPayload; scopes: string[] | null }> {
    const token = value.startsWith('Bearer ') ? value.slice(7).trim() : value.trim()
    if (token.length > maxTokenLength) throw unauthorized('the token is too large')
    let seen = verified.get(authorizer)
    if (!seen) verified.set(authorizer, (seen = new Map()))
    let entry = seen.get(token)
    const now = Date.now() / 1000
    if (entry && entry.keys === store.heldKeysOf(authorizer.jwt!.issuer)) {
      if ((entry.claims.exp as number) <= now) throw unauthorized('the token has expired')
      if (typeof entry.claims.nbf === 'number' && entry.claims.nbf > now) throw unauthorized('the token is not valid yet')
    } else {
      entry = await verify(inv, authorizer, token)
      if (seen.size >= maxVerified) seen.delete(seen.keys().next().value!)
      seen.set(token, entry)
    }
    const { claims, scopes } = entry
    if (routeScopes.length > 0 && !routeScopes.some((s) => scopes?.includes(s))) {
      const header = `Bearer scope="${routeScopes.join(' ')}" error="insufficient_scope" error_description="the token does not have the scopes this route requires"`
      throw new GatewayError('ACCESS_DENIED', { message: 'Forbidden', errorType: 'ForbiddenException', headers: { 'www-authenticate': header } })
    }
    return { claims, scopes }
  }
}

/** `scope` (space-separated, OAuth 2.0) or `scp` (a list or a string, as Entra ID and Okta send it). */
function scopesOf(claims: JWTPayload): string[] | null {
  const raw = claims.scope ?? claims.scp
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean)
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string')
  return null
}

/** What `error_description` says, in AWS's wording where it is known (only the audience one is documented). */
function describe(e: errors.JOSEError): string {
  if (e instanceof errors.JWTExpired) return 'the token has expired'
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return 'the token is not valid yet'
    if (e.claim === 'iss') return 'the token does not have a valid issuer'
    return `the token's ${e.claim} claim is invalid`
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the signing method is invalid'
  if (e instanceof errors.JWKSNoMatchingKey) return 'the token is signed by an unknown key'
  return 'the token signature is invalid'
}

/** 401 `{"message":"Unauthorized"}` with AWS's `www-authenticate: Bearer scope="" error="invalid_token" error_description="…"`. */
export const unauthorized = (description: string) =>
  new GatewayError('UNAUTHORIZED', { headers: { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description}"` } })
