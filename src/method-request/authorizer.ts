import type { Authorizer, RouteTable } from '../definitions/table'
import type { Invocation } from '../invocation'
import type { LambdaOutput } from './authorizer-result'
import { GatewayError } from '../gateway-responses/error'
import { toJavaRegExp } from '../integration/selection-pattern'
import { AuthorizerCache } from './authorizer-cache'
import { cognitoResult, httpLambdaResult, jwtResult, lambdaResult } from './authorizer-result'
import { readIdentity } from './identity-sources'
import { invokeAuthorizer, authorizerInput } from './lambda-authorizer'
import { verifyCognitoToken } from './cognito-authorizer'
import { evaluatePolicy } from './policy'
import { methodArn } from './method-arn'
import { createKeyStore } from './jwks'
import { createJwtVerifier, unauthorized } from './jwt-authorizer'
import { httpAuthorizerInput, readHttpOutput, type HttpLambdaOutput } from './http-lambda-authorizer'
import { masked } from '../observe/execution-log/mask'

/**
 * Authorization (../shared/spec §0 step 3, §5), compiled once from the route table: each
 * `identityValidationExpression` becomes a RegExp here, and the Lambda result cache lives as
 * long as the table. The returned step runs the method's authorizer and leaves its result on the
 * invocation for `$context.authorizer`, the proxy event, the API key step (usageIdentifierKey)
 * and the stage cache. Lambda results are cached per stage, authorizer and identity values for
 * `authorizerResultTtlInSeconds`, and the cached policy is evaluated again against each request's
 * method ARN, as AWS does. HTTP APIs have JWT authorizers and Lambda authorizers with payload
 * 1.0 or 2.0 (`authorizeHttp`); the issuers' signing keys live as long as the table too.
 * @example
 * const authorize = createAuthorizer(table)
 * if (inv.method!.authorizer) await authorize(inv)
 */
export function createAuthorizer(table: RouteTable) {
  const validation = new Map<Authorizer, RegExp>()
  const httpReaders = new Map<Authorizer, ReturnType<typeof readHttpOutput>>()
  for (const api of table.apis) {
    for (const authorizer of Object.values(api.authorizers ?? {})) {
      if (authorizer.validationExpression !== undefined) validation.set(authorizer, toJavaRegExp(authorizer.validationExpression))
      if (authorizer.payloadFormatVersion) httpReaders.set(authorizer, readHttpOutput(authorizer))
    }
  }
  const lambdaOutputs = new AuthorizerCache<LambdaOutput>()
  const httpOutputs = new AuthorizerCache<HttpLambdaOutput>()
  const keys = createKeyStore()
  const verifyJwt = createJwtVerifier(keys)

  /** HTTP APIs: any missing identity source is 401 without a call; failures read as HTTP APIs word them. */
  async function authorizeHttp(inv: Invocation, authorizer: Authorizer, identity: string[] | undefined, scopes: string[]) {
    if (!identity && authorizer.identitySources.length > 0) throw authorizer.type === 'JWT' ? unauthorized('no token') : new GatewayError('UNAUTHORIZED')
    if (authorizer.type === 'JWT') {
      const { claims, scopes: granted } = await verifyJwt(inv, authorizer, identity![0], scopes)
      inv.authorizer = jwtResult(claims, granted)
      return exposeLate(inv)
    }
    const key = JSON.stringify([inv.api.id, inv.stage.name, authorizer.name, identity ?? []])
    const started = Date.now()
    // The routeArn is built only when needed: a cached simple answer needs none.
    const { value, cached } = httpOutputs.get(key, identity?.length ? authorizer.ttlSeconds : 0, () =>
      invokeAuthorizer(inv, authorizer, httpAuthorizerInput(inv, authorizer, methodArn(inv), identity ?? []), httpReaders.get(authorizer)!),
    )
    const output = await value
    const allowed = 'isAuthorized' in output ? output.isAuthorized : evaluatePolicy(output.policy, 'execute-api:Invoke', methodArn(inv)) === 'Allow'
    if (!allowed) throw new GatewayError('ACCESS_DENIED', { message: 'Forbidden', errorType: 'ForbiddenException' })
    inv.authorizer = httpLambdaResult(output, cached ? 0 : Date.now() - started)
    exposeLate(inv)
  }

  return async function authorize(inv: Invocation): Promise<void> {
    const { name, scopes } = inv.method!.authorizer!
    const authorizer = inv.api.authorizers![name]
    const identity = readIdentity(inv, authorizer.identitySources)
    if (inv.api.protocol === 'HTTP') return authorizeHttp(inv, authorizer, identity, scopes).catch(asHttpApiError)
    // A TOKEN or Cognito header must be there; REQUEST sources are only required when they key the cache.
    if (!identity && (authorizer.type !== 'REQUEST' || authorizer.ttlSeconds > 0)) throw new GatewayError('UNAUTHORIZED')

    if (authorizer.type === 'COGNITO_USER_POOLS') {
      inv.authorizer = cognitoResult(await verifyCognitoToken(inv, authorizer, identity![0], scopes, keys))
      return exposeLate(inv)
    }
    const expression = validation.get(authorizer)
    if (expression && !expression.test(identity![0])) throw new GatewayError('UNAUTHORIZED')

    const arn = methodArn(inv)
    const key = JSON.stringify([inv.api.id, inv.stage.name, name, identity ?? []])
    const started = Date.now()
    const log = inv.log
    log?.info?.(`Starting authorizer: ${name} for request: ${inv.requestId}`)
    log?.info?.(`Incoming identity: ${identity ? identity.map(masked).join(', ') : '{}'}`)
    const { value, cached } = lambdaOutputs.get(key, identity ? authorizer.ttlSeconds : 0, () => {
      log?.info?.(`Invoking authorizer function ${authorizer.functionArn}`)
      return invokeAuthorizer(inv, authorizer, authorizerInput(inv, authorizer, arn, identity ?? []))
    })
    const output = await value
    if (log?.info) logAuthorizerResult(log, output, cached)
    const decision = evaluatePolicy(output.policy, 'execute-api:Invoke', arn)
    log?.info?.(decision === 'Allow' ? 'Successfully completed authorizer execution' : `The policy ${decision === 'Deny' ? 'explicitly denies' : 'does not allow'} execute-api:Invoke on ${arn}`)
    if (decision === 'Deny') throw new GatewayError('ACCESS_DENIED', { message: 'User is not authorized to access this resource with an explicit deny' })
    if (decision === 'ImplicitDeny') throw new GatewayError('ACCESS_DENIED')
    inv.authorizer = lambdaResult(output, cached ? 0 : Date.now() - started)
    exposeLate(inv)
  }
}

/** Execution log (INFO): whose policy is used, from where; its context with data trace (never the usage key). */
function logAuthorizerResult(log: NonNullable<Invocation['log']>, output: LambdaOutput, cached: boolean) {
  if (cached) log.info!('Authorizer result taken from the authorizer cache')
  log.data?.(`Authorizer result context: ${JSON.stringify(output.context)}`)
  log.info!(`Using valid authorizer policy for principal: ${output.principalId}`)
}

/** A REQUEST authorizer may have built `$context` for its input before there was a result to show. */
function exposeLate(inv: Invocation) {
  if (inv.context) inv.context.authorizer = inv.authorizer!.exposed
}

/** HTTP APIs answer an authorizer that fails or errs with `{"message":"Internal Server Error"}`. */
function asHttpApiError(e: unknown): never {
  if (e instanceof GatewayError && (e.type === 'AUTHORIZER_FAILURE' || e.type === 'AUTHORIZER_CONFIGURATION_ERROR')) {
    throw new GatewayError(e.type, { ...e.options, message: 'Internal Server Error' })
  }
  throw e
}
