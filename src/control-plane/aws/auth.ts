import type { MiddlewareHandler } from 'hono'
import type { Env } from '../../env'
import { isAdmin } from '../../admin/auth'
import { parseIamCredentials, verifySignature } from '../../auth/sigv4'
import { awsErrorResponse, type AwsErrorType } from './errors'

/** The exception AWS names for each refusal of the verifier (the rest are InvalidSignatureException). */
const refusalTypes: [prefix: string, type: AwsErrorType][] = [
  ['Missing Authentication Token', 'MissingAuthenticationTokenException'],
  ['Authorization header requires', 'IncompleteSignatureException'],
  ['The security token included in the request is invalid', 'UnrecognizedClientException'],
]

/**
 * Admits a caller of the AWS control API: a SigV4 signature (service `apigateway`) by a key in
 * `GATEWAY_IAM_CREDENTIALS` — the verifier `@connections` uses — or the admin bearer token.
 * Anything else is AWS's 403; with neither configured the API is off, never open.
 * @example aws.use('*', requireSignedOrAdmin())
 */
export function requireSignedOrAdmin(): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    const request = c.req.raw
    if (await isAdmin(request, c.env)) return next()
    const keys = parseIamCredentials(c.env.GATEWAY_IAM_CREDENTIALS)
    if (keys.size === 0) {
      return awsErrorResponse(c, 'AccessDeniedException', 'The AWS control API is disabled: set GATEWAY_IAM_CREDENTIALS or GATEWAY_ADMIN_TOKEN')
    }
    const refusal = await verifySignature(request, request.url, await c.req.arrayBuffer(), keys, Date.now(), 'apigateway')
    if (refusal === undefined) return next()
    const type = refusalTypes.find(([prefix]) => refusal.startsWith(prefix))?.[1] ?? 'InvalidSignatureException'
    return awsErrorResponse(c, type, refusal)
  }
}
