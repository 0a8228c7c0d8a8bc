import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'
import { parseHttpIdentitySource } from '../../src/definitions/http-authorizers'

const compile = (text: string) => compileDefinitions([{ file: 'routes/http.yaml', text }])
const messages = (text: string) => compile(text).errors.map(formatError)
const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations'

/** An HTTP API as main defines it today: x-gateway.protocolType HTTP and OpenAPI paths. */
const doc = (scheme: string, security = '[{ auth: [] }]') => `openapi: 3.0.1
info: { title: h, version: '1' }
x-gateway: { apiId: h, protocolType: HTTP, stages: { dev: {} } }
components:
  securitySchemes:
    auth:
${scheme}
paths:
  /pets:
    get:
      security: ${security}
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:9/pets' }`

const jwt = (config: string) => `      type: oauth2
      x-amazon-apigateway-authorizer: { type: jwt, identitySource: $request.header.Authorization, jwtConfiguration: ${config} }`
const at = '$.components.securitySchemes.auth["x-amazon-apigateway-authorizer"]'

describe('HTTP API identity sources', () => {
  it('parses $request.header, $request.querystring, $context and $stageVariables, and the list form', () => {
    expect(parseHttpIdentitySource('$request.header.X-User, $request.querystring.tenant,$context.routeKey, $stageVariables.env')).toEqual([
      { location: 'header', name: 'x-user' },
      { location: 'querystring', name: 'tenant' },
      { location: 'context', name: 'routeKey' },
      { location: 'stageVariables', name: 'env' },
    ])
    expect(parseHttpIdentitySource(['$request.header.Authorization'])).toEqual([{ location: 'header', name: 'authorization' }])
  })

  it('refuses path parameters and REST spellings', () => {
    expect(parseHttpIdentitySource('$request.path.id')).toEqual({ error: '"$request.path.id": path parameters cannot be identity sources' })
    expect(parseHttpIdentitySource('method.request.header.Authorization')).toHaveProperty('error')
  })
})

describe('JWT authorizers in definitions', () => {
  it('compiles issuer, audiences and the route scopes', () => {
    const { table, errors } = compile(doc(jwt(`{ issuer: 'https://issuer.example.com/tenant', audience: [app-1, app-2] }`), '[{ auth: [pets/read, pets/write] }]'))
    expect(errors).toEqual([])
    const api = table.apis[0]
    expect(api.resources[0].methods.GET.authorizer).toEqual({ name: 'auth', scopes: ['pets/read', 'pets/write'] })
    expect(api.authorizers!.auth).toEqual({
      name: 'auth',
      type: 'JWT',
      identitySources: [{ location: 'header', name: 'authorization' }],
      ttlSeconds: 0,
      jwt: { issuer: 'https://issuer.example.com/tenant', audience: ['app-1', 'app-2'] },
    })
  })

  it("takes the issuer from an openIdConnect scheme's discovery URL", () => {
    const scheme = `      type: openIdConnect
      openIdConnectUrl: https://login.example.com/realm/.well-known/openid-configuration
      x-amazon-apigateway-authorizer: { type: jwt, jwtConfiguration: { audience: [app] } }`
    const { table, errors } = compile(doc(scheme))
    expect(errors).toEqual([])
    expect(table.apis[0].authorizers!.auth.jwt).toEqual({ issuer: 'https://login.example.com/realm', audience: ['app'] })
  })

  it('refuses a jwt authorizer without issuer or audience, with the JSON path', () => {
    expect(messages(doc(jwt('{ audience: [app] }')))).toEqual([`routes/http.yaml: ${at}.jwtConfiguration.issuer: a jwt authorizer needs jwtConfiguration.issuer (the token issuer URL)`])
    expect(messages(doc(jwt(`{ issuer: 'https://i.example.com' }`)))).toEqual([
      `routes/http.yaml: ${at}.jwtConfiguration.audience: a jwt authorizer needs jwtConfiguration.audience: a list of 1 to 50 audiences (client ids)`,
    ])
    expect(messages(doc(jwt(`{ issuer: 'not a url', audience: [a] }`)))).toEqual([`routes/http.yaml: ${at}.jwtConfiguration.issuer: "not a url" is not a URL`])
  })

  it('refuses more than 10 scopes on a route', () => {
    const scopes = Array.from({ length: 11 }, (_, i) => `s${i}`).join(', ')
    expect(messages(doc(jwt(`{ issuer: 'https://i.example.com', audience: [a] }`), `[{ auth: [${scopes}] }]`))).toEqual([
      'routes/http.yaml: $.paths["/pets"].get.security: a route has at most 10 authorization scopes',
    ])
  })
})

describe('HTTP API Lambda authorizers in definitions', () => {
  const request = (extra: string) => `      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer: { type: request, authorizerUri: '${fn}'${extra} }`

  it('takes identity sources as a list too, as apigatewayv2 gives them', () => {
    const { table, errors } = compile(doc(request(`, authorizerPayloadFormatVersion: '2.0', identitySource: ['$request.header.A', '$stageVariables.env']`)))
    expect(errors).toEqual([])
    expect(table.apis[0].authorizers!.auth.identitySources).toEqual([
      { location: 'header', name: 'a' },
      { location: 'stageVariables', name: 'env' },
    ])
  })

  it('compiles payload format, simple responses, identity sources and TTL', () => {
    const { table, errors } = compile(
      doc(request(`, authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true, identitySource: '$request.header.X-User, $context.routeKey', authorizerResultTtlInSeconds: 60`)),
    )
    expect(errors).toEqual([])
    expect(table.apis[0].authorizers!.auth).toEqual({
      name: 'auth',
      type: 'REQUEST',
      identitySources: [
        { location: 'header', name: 'x-user' },
        { location: 'context', name: 'routeKey' },
      ],
      ttlSeconds: 60,
      payloadFormatVersion: '2.0',
      simpleResponses: true,
      region: 'us-east-1',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:auth',
    })
  })

  it('refuses what AWS refuses: no payload format, simple responses on 1.0, caching without identity sources, REST types, scopes', () => {
    expect(messages(doc(request('')))).toEqual([`routes/http.yaml: ${at}.authorizerPayloadFormatVersion: request authorizers of HTTP APIs need authorizerPayloadFormatVersion "1.0" or "2.0"`])
    expect(messages(doc(request(`, authorizerPayloadFormatVersion: '1.0', enableSimpleResponses: true, identitySource: $request.header.A`)))).toEqual([
      `routes/http.yaml: ${at}.enableSimpleResponses: simple responses need authorizerPayloadFormatVersion "2.0"`,
    ])
    expect(messages(doc(request(`, authorizerPayloadFormatVersion: '2.0', identitySource: 42`)))).toEqual([
      `routes/http.yaml: ${at}.identitySource: must be a string (comma-separated sources) or a list of sources`,
    ])
    expect(messages(doc(request(`, authorizerPayloadFormatVersion: '2.0', authorizerResultTtlInSeconds: 300`)))[0]).toMatch(/identitySource: a cached request authorizer needs identity sources/)
    expect(messages(doc(request(`, authorizerPayloadFormatVersion: '2.0', identitySource: 'method.request.header.A'`)))[0]).toMatch(/identitySource: "method.request.header.A" is not an identity source/)
    const token = `      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn}' }`
    expect(messages(doc(token))).toEqual([`routes/http.yaml: ${at}.type: HTTP APIs have jwt and request authorizers, not token`])
    expect(messages(doc(request(`, authorizerPayloadFormatVersion: '2.0', identitySource: $request.header.A`), '[{ auth: [read] }]'))).toEqual([
      'routes/http.yaml: $.paths["/pets"].get.security: scopes apply to jwt and cognito_user_pools authorizers only; "auth" is a Lambda authorizer',
    ])
  })
})
