import { z } from 'zod'
import type { Authorizer, IdentitySource } from './table'
import type { Document, Operation } from './schema'
import { checkFunctionArn, parseCredentials, parseIntegrationArn } from './aws-arn'
import { toJavaRegExp } from '../integration/selection-pattern'
import { compileHttpAuthorizer } from './http-authorizers'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

/**
 * `components.securitySchemes.X.x-amazon-apigateway-authorizer` as AWS exports it
 * (../shared/spec §1.4). Types are exported lower-case; the API's upper-case is accepted too.
 */
export const authorizerSchema = z.looseObject({
  type: z
    .string({ error: 'is required (token, request or cognito_user_pools)' })
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['token', 'request', 'cognito_user_pools', 'jwt'], { error: () => 'must be one of token, request, cognito_user_pools (REST) or jwt, request (HTTP APIs)' })),
  authorizerUri: z.string().optional(),
  authorizerCredentials: z.string().optional(),
  // apigatewayv2 lists identity sources; exports and REST write one comma-separated string.
  identitySource: z
    .union([z.string(), z.array(z.string())], { error: 'must be a string (comma-separated sources) or a list of sources' })
    .transform((v) => (Array.isArray(v) ? v.join(', ') : v))
    .optional(),
  identityValidationExpression: z.string().optional(),
  authorizerResultTtlInSeconds: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(3600, 'must be at most 3600 (one hour)')
    .optional(),
  providerARNs: z.array(z.string()).optional(),
  authorizerPayloadFormatVersion: z.string({ error: 'must be "1.0" or "2.0"' }).optional(),
  enableSimpleResponses: z.boolean({ error: 'must be true or false' }).optional(),
  jwtConfiguration: z.looseObject({ issuer: z.unknown().optional(), audience: z.unknown().optional() }, { error: 'must be an object {issuer, audience}' }).optional(),
})

const schemeSchema = z.looseObject({
  type: z.string().optional(),
  name: z.string().optional(),
  in: z.string().optional(),
  'x-amazon-apigateway-authtype': z.string().optional(),
  'x-amazon-apigateway-authorizer': authorizerSchema.optional(),
})

const iamUnsupported = 'IAM (AWS_IAM / awsSigv4) authorization is not supported'

const headerSource = /^method\.request\.header\.([A-Za-z0-9._$-]+)$/
const sourceForms: [RegExp, IdentitySource['location']][] = [
  [headerSource, 'header'],
  [/^method\.request\.querystring\.([A-Za-z0-9._$-]+)$/, 'querystring'],
  [/^stageVariables\.([A-Za-z0-9_]+)$/, 'stageVariables'],
  [/^context\.([A-Za-z0-9._$-]+)$/, 'context'],
]

/**
 * A REST `identitySource`: comma-separated `method.request.header.X`, `method.request.querystring.X`,
 * `stageVariables.X` or `context.X` (path parameters cannot be identity sources).
 * @example parseIdentitySource('method.request.header.Auth, stageVariables.env')
 * // [{ location: 'header', name: 'Auth' }, { location: 'stageVariables', name: 'env' }]
 */
export function parseIdentitySource(value: string): IdentitySource[] | { error: string } {
  const sources: IdentitySource[] = []
  for (const part of value.split(',').map((s) => s.trim())) {
    if (part.startsWith('method.request.path.')) return { error: `"${part}": path parameters cannot be identity sources` }
    const form = sourceForms.find(([re]) => re.test(part))
    if (!form) {
      return { error: `"${part}" is not an identity source (method.request.header.X, method.request.querystring.X, stageVariables.X or context.X)` }
    }
    const name = form[0].exec(part)![1]
    sources.push({ location: form[1], name: form[1] === 'header' ? name.toLowerCase() : name })
  }
  return sources
}

const poolArn = /^arn:aws[a-z-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/([\w-]+)$/

/**
 * Compiles every security scheme with an authorizer, then resolves each method's `security`
 * to at most one of them. `cognitoIssuers` (x-gateway) moves a pool's issuer, e.g. to a local
 * stand-in; its signing keys are then at `{issuer}/.well-known/jwks.json`, as Cognito serves them.
 * @example
 * const authorizers = createAuthorizerCompiler(doc, report)
 * method.authorizer = authorizers.forMethod(op, at)
 */
export function createAuthorizerCompiler(doc: Document, report: Report) {
  const raw = ((doc.components as { securitySchemes?: Record<string, unknown> } | undefined)?.securitySchemes ?? {}) as Record<string, unknown>
  const issuers = (doc['x-gateway'] as { cognitoIssuers?: Record<string, string> } | undefined)?.cognitoIssuers ?? {}
  const httpApi = doc['x-gateway']?.protocolType === 'HTTP' || Object.hasOwn(doc, 'x-amazon-apigateway-importexport-version')
  const compiled = new Map<string, Authorizer | null>()
  const schemes = new Map<string, z.infer<typeof schemeSchema>>()
  for (const [name, value] of Object.entries(raw)) {
    const at: Path = ['components', 'securitySchemes', name]
    const parsed = schemeSchema.safeParse(value)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report([...at, ...(issue.path as Path)], issue.message)
      compiled.set(name, null)
      continue
    }
    schemes.set(name, parsed.data)
    if (parsed.data['x-amazon-apigateway-authorizer']) compiled.set(name, compileAuthorizer(name, parsed.data, at))
  }
  const used = new Set<string>()

  function compileAuthorizer(name: string, scheme: z.infer<typeof schemeSchema>, at: Path): Authorizer | null {
    const def = scheme['x-amazon-apigateway-authorizer']!
    const here: Path = [...at, 'x-amazon-apigateway-authorizer']
    const fail = (field: string | Path | undefined, message: string) => (report(field === undefined ? here : [...here, ...[field].flat()], message), null)
    if (httpApi) {
      const authorizer = compileHttpAuthorizer(name, def, scheme.openIdConnectUrl, fail)
      return authorizer?.type === 'REQUEST' ? withFunction(authorizer, def, fail) : authorizer
    }
    if (def.type === 'jwt') return fail('type', 'jwt authorizers belong to HTTP APIs (x-gateway.protocolType: HTTP)')
    const type = def.type === 'token' ? 'TOKEN' : def.type === 'request' ? 'REQUEST' : 'COGNITO_USER_POOLS'
    const ttlSeconds = def.authorizerResultTtlInSeconds ?? 300
    // TOKEN and Cognito read one header: identitySource, else the scheme's own `name` / `in: header`.
    const fallback = scheme.in === 'header' && scheme.name ? `method.request.header.${scheme.name}` : undefined
    const sourceText = def.identitySource ?? (type === 'REQUEST' ? undefined : fallback)
    let identitySources: IdentitySource[] = []
    if (sourceText !== undefined) {
      const parsed = parseIdentitySource(sourceText)
      if ('error' in parsed) return fail('identitySource', parsed.error)
      identitySources = parsed
    }
    if (type !== 'REQUEST' && (identitySources.length !== 1 || identitySources[0].location !== 'header')) {
      return fail('identitySource', `${def.type} authorizers read one header: method.request.header.NAME`)
    }
    if (type === 'REQUEST' && identitySources.length === 0 && ttlSeconds > 0) {
      return fail('identitySource', 'a cached request authorizer needs identity sources (they are its cache key); or set authorizerResultTtlInSeconds: 0')
    }
    const authorizer: Authorizer = { name, type, identitySources, ttlSeconds }
    if (def.identityValidationExpression !== undefined) {
      if (type !== 'TOKEN') return fail('identityValidationExpression', 'only token authorizers have an identityValidationExpression')
      try {
        toJavaRegExp(def.identityValidationExpression)
      } catch (e) {
        return fail('identityValidationExpression', `not a valid regular expression: ${(e as Error).message}`)
      }
      authorizer.validationExpression = def.identityValidationExpression
    }
    if (type === 'COGNITO_USER_POOLS') {
      const arns = def.providerARNs ?? []
      if (arns.length === 0) return fail('providerARNs', 'cognito_user_pools authorizers need providerARNs (the user pool ARNs)')
      authorizer.userPools = []
      for (const [i, arn] of arns.entries()) {
        const m = poolArn.exec(arn)
        if (!m) return (report([...here, 'providerARNs', i], `"${arn}" is not a user pool ARN (arn:aws:cognito-idp:{region}:{account}:userpool/{poolId})`), null)
        const issuer = (Object.hasOwn(issuers, arn) ? issuers[arn] : `https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}`).replace(/\/+$/, '')
        authorizer.userPools.push({ issuer, jwksUri: `${issuer}/.well-known/jwks.json` })
      }
      return authorizer
    }
    return withFunction(authorizer, def, fail)
  }

  /** A Lambda authorizer's function (`authorizerUri`) and invoke role (`authorizerCredentials`). */
  function withFunction(authorizer: Authorizer, def: z.infer<typeof authorizerSchema>, fail: (field: string, message: string) => null): Authorizer | null {
    if (def.authorizerUri === undefined) return fail('authorizerUri', `${def.type} authorizers need authorizerUri (the Lambda function's invoke ARN)`)
    const target = parseIntegrationArn(def.authorizerUri)
    if ('error' in target) return fail('authorizerUri', target.error)
    if (!target.functionArn) return fail('authorizerUri', 'must be a Lambda invoke ARN (…:lambda:path/2015-03-31/functions/{functionArn}/invocations)')
    const bad = checkFunctionArn(target.functionArn)
    if (bad) return fail('authorizerUri', bad)
    Object.assign(authorizer, { region: target.region, functionArn: target.functionArn })
    if (def.authorizerCredentials !== undefined) {
      const role = parseCredentials(def.authorizerCredentials)
      if ('error' in role || !('role' in role)) return fail('authorizerCredentials', `"${def.authorizerCredentials}" is not an IAM role ARN (arn:aws:iam::{account}:role/{name})`)
      authorizer.credentialsRole = role.role
    }
    return authorizer
  }

  return {
    /** The method's authorizer and scopes; undefined when its `security` names none (NONE auth). */
    forMethod(op: Operation, at: Path): { name: string; scopes: string[] } | undefined {
      // Served without the signature check, an IAM method would be open to anyone: refused.
      if (op['x-amazon-apigateway-auth']?.type === 'AWS_IAM') report([...at, 'x-amazon-apigateway-auth', 'type'], iamUnsupported)
      const requirements = op.security ?? (doc as { security?: Record<string, string[]>[] }).security ?? []
      let chosen: { name: string; scopes: string[] } | undefined
      for (const [i, requirement] of requirements.entries()) {
        for (const [name, scopes] of Object.entries(requirement)) {
          const where = [...at, 'security', i, name]
          const scheme = schemes.get(name)
          if (!scheme && !compiled.has(name)) {
            report(where, `unknown security scheme "${name}" (not in components.securitySchemes)`)
            continue
          }
          if (/^aws/i.test(scheme?.['x-amazon-apigateway-authtype'] ?? '')) {
            report(where, iamUnsupported)
            continue
          }
          if (!compiled.has(name)) continue // e.g. api_key: the API key step reads it
          if (chosen) {
            report(where, `a method has one authorizer; "${chosen.name}" is already chosen`)
            continue
          }
          chosen = { name, scopes }
        }
      }
      if (chosen && compiled.get(chosen.name)) used.add(chosen.name)
      const type = chosen && compiled.get(chosen.name)?.type
      if (chosen?.scopes.length && type && type !== 'COGNITO_USER_POOLS' && type !== 'JWT') {
        report([...at, 'security'], `scopes apply to jwt and cognito_user_pools authorizers only; "${chosen.name}" is a Lambda authorizer`)
      }
      if (type === 'JWT' && chosen!.scopes.length > 10) report([...at, 'security'], 'a route has at most 10 authorization scopes')
      return chosen
    },
    /** The authorizers methods use, for the route table; undefined when none. */
    authorizers(): Record<string, Authorizer> | undefined {
      if (used.size === 0) return undefined
      return Object.fromEntries([...used].map((name) => [name, compiled.get(name)!]))
    },
    /** Whether a method uses a Lambda authorizer (the only source of `usageIdentifierKey`). */
    hasLambdaAuthorizer: () => [...used].some((name) => compiled.get(name)!.type !== 'COGNITO_USER_POOLS' && compiled.get(name)!.type !== 'JWT'),
  }
}
