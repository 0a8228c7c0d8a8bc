import type { Authorizer, IdentitySource } from './table'

type Fail = (field: string | (string | number)[] | undefined, message: string) => null

/** The fields of an HTTP API `x-amazon-apigateway-authorizer` this module reads (../shared/spec §1.4). */
export interface HttpAuthorizerDefinition {
  type: string
  identitySource?: string
  identityValidationExpression?: string
  authorizerResultTtlInSeconds?: number
  authorizerPayloadFormatVersion?: string
  enableSimpleResponses?: boolean
  jwtConfiguration?: { issuer?: unknown; audience?: unknown }
}

const sourceForms: [RegExp, IdentitySource['location']][] = [
  [/^\$request\.header\.([A-Za-z0-9._$-]+)$/, 'header'],
  [/^\$request\.querystring\.([A-Za-z0-9._$-]+)$/, 'querystring'],
  [/^\$stageVariables\.([A-Za-z0-9_]+)$/, 'stageVariables'],
  [/^\$context\.([A-Za-z0-9._$-]+)$/, 'context'],
]

/**
 * An HTTP API `identitySource`: comma-separated `$request.header.X`, `$request.querystring.X`,
 * `$context.X` or `$stageVariables.X` (a list, as apigatewayv2 gives it, is accepted too).
 * @example parseHttpIdentitySource('$request.header.Authorization, $context.routeKey')
 * // [{ location: 'header', name: 'authorization' }, { location: 'context', name: 'routeKey' }]
 */
export function parseHttpIdentitySource(value: string | string[]): IdentitySource[] | { error: string } {
  const parts = (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean)
  const sources: IdentitySource[] = []
  for (const part of parts) {
    if (part.startsWith('$request.path')) return { error: `"${part}": path parameters cannot be identity sources` }
    const form = sourceForms.find(([re]) => re.test(part))
    if (!form) return { error: `"${part}" is not an identity source ($request.header.X, $request.querystring.X, $context.X or $stageVariables.X)` }
    const name = form[0].exec(part)![1]
    sources.push({ location: form[1], name: form[1] === 'header' ? name.toLowerCase() : name })
  }
  return sources
}

const discoverySuffix = '/.well-known/openid-configuration'

/**
 * An HTTP API authorizer (../shared/spec §5.8, §5.10): `jwt` with its issuer and audiences, or a
 * Lambda `request` authorizer with its payload format, simple responses and identity sources.
 * The Lambda function itself is resolved by the caller, as for REST. HTTP APIs cache Lambda
 * results only when `authorizerResultTtlInSeconds` says so (AWS's default there is unstated: 0).
 * @example compileHttpAuthorizer('myJwt', def, scheme.openIdConnectUrl, fail) // { name: 'myJwt', type: 'JWT', jwt: { issuer, audience }, … }
 */
export function compileHttpAuthorizer(name: string, def: HttpAuthorizerDefinition, openIdConnectUrl: unknown, fail: Fail): Authorizer | null {
  if (def.type !== 'jwt' && def.type !== 'request') return fail('type', `HTTP APIs have jwt and request authorizers, not ${def.type}`)
  if (def.identityValidationExpression !== undefined) return fail('identityValidationExpression', 'HTTP API authorizers have no identityValidationExpression')
  const sourceText = def.identitySource ?? (def.type === 'jwt' ? '$request.header.Authorization' : undefined)
  let identitySources: IdentitySource[] = []
  if (sourceText !== undefined) {
    const parsed = parseHttpIdentitySource(sourceText)
    if ('error' in parsed) return fail('identitySource', parsed.error)
    identitySources = parsed
  }
  if (def.type === 'jwt') return compileJwt(name, def, identitySources, openIdConnectUrl, fail)

  const version = def.authorizerPayloadFormatVersion
  if (version !== '1.0' && version !== '2.0') return fail('authorizerPayloadFormatVersion', 'request authorizers of HTTP APIs need authorizerPayloadFormatVersion "1.0" or "2.0"')
  if (def.enableSimpleResponses && version !== '2.0') return fail('enableSimpleResponses', 'simple responses need authorizerPayloadFormatVersion "2.0"')
  const ttlSeconds = def.authorizerResultTtlInSeconds ?? 0
  if (ttlSeconds > 0 && identitySources.length === 0) {
    return fail('identitySource', 'a cached request authorizer needs identity sources (they are its cache key); or set authorizerResultTtlInSeconds: 0')
  }
  return { name, type: 'REQUEST', identitySources, ttlSeconds, payloadFormatVersion: version, simpleResponses: def.enableSimpleResponses === true }
}

function compileJwt(name: string, def: HttpAuthorizerDefinition, identitySources: IdentitySource[], openIdConnectUrl: unknown, fail: Fail): Authorizer | null {
  if (identitySources.length !== 1) return fail('identitySource', 'a jwt authorizer reads one identity source, e.g. $request.header.Authorization')
  const config = def.jwtConfiguration
  // An openIdConnect scheme's discovery URL can stand in for the issuer.
  const fromScheme = typeof openIdConnectUrl === 'string' && openIdConnectUrl.endsWith(discoverySuffix) ? openIdConnectUrl.slice(0, -discoverySuffix.length) : undefined
  const issuer = config?.issuer ?? fromScheme
  if (typeof issuer !== 'string' || issuer === '') return fail(['jwtConfiguration', 'issuer'], 'a jwt authorizer needs jwtConfiguration.issuer (the token issuer URL)')
  let url: URL
  try {
    url = new URL(issuer)
  } catch {
    return fail(['jwtConfiguration', 'issuer'], `"${issuer}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(['jwtConfiguration', 'issuer'], `"${issuer}" must be an https URL`)
  const audience = config?.audience
  if (!Array.isArray(audience) || audience.length === 0 || audience.some((a) => typeof a !== 'string' || a === '')) {
    return fail(['jwtConfiguration', 'audience'], 'a jwt authorizer needs jwtConfiguration.audience: a list of 1 to 50 audiences (client ids)')
  }
  if (audience.length > 50) return fail(['jwtConfiguration', 'audience'], 'holds at most 50 audiences')
  return { name, type: 'JWT', identitySources, ttlSeconds: 0, jwt: { issuer, audience: audience as string[] } }
}
