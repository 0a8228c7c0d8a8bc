import { GatewayError } from './error'
import { bytesToBase64 } from '../base64'

/**
 * REST's answer when no resource or method matches: 403 Missing Authentication Token (AWS
 * treats an unknown route as one that needs IAM). When the request carries an Authorization
 * header that is not in SigV4's `key=value` form (`Bearer <token>`), AWS's signature parser
 * answers instead, naming the header only by its hash (spec §0).
 * @example await missingAuthenticationToken('Bearer abc')
 * // GatewayError 403 IncompleteSignatureException "Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '…'."
 */
export async function missingAuthenticationToken(authorization: string | undefined): Promise<GatewayError> {
  if (authorization === undefined || !lacksEqualSign(authorization)) return new GatewayError('MISSING_AUTHENTICATION_TOKEN')
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(authorization)))
  return new GatewayError('MISSING_AUTHENTICATION_TOKEN', {
    message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${bytesToBase64(digest)}'.`,
    errorType: 'IncompleteSignatureException',
  })
}

/** `Scheme a=1, b=2` is SigV4's shape; a comma-separated part after the scheme without `=` is what the parser refuses. */
function lacksEqualSign(authorization: string): boolean {
  const value = authorization.trim()
  const space = value.search(/\s/)
  if (space < 0) return false
  return value
    .slice(space + 1)
    .split(',')
    .map((part) => part.trim())
    .some((part) => part !== '' && !part.includes('='))
}
