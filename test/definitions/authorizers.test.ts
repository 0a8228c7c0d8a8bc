import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'
import { parseIdentitySource } from '../../src/definitions/authorizers'

const compile = (text: string) => compileDefinitions([{ file: 'routes/api.yaml', text }])
const messages = (text: string) => compile(text).errors.map(formatError)
const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations'
const pool = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123'

const doc = (schemes: string, security = '[{ tok: [] }]', root = '') => `openapi: 3.0.1
info: { title: t, version: '1' }
${root}
components:
  securitySchemes:
${schemes}
paths:
  /pets:
    get:
      security: ${security}
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }`

const token = (extra = '') => `    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn}', identitySource: method.request.header.Authorization${extra} }`

describe('identity sources', () => {
  it('parses every REST form, trimming around commas', () => {
    expect(parseIdentitySource('method.request.header.X-User, method.request.querystring.q,stageVariables.env, context.identity.sourceIp')).toEqual([
      { location: 'header', name: 'x-user' },
      { location: 'querystring', name: 'q' },
      { location: 'stageVariables', name: 'env' },
      { location: 'context', name: 'identity.sourceIp' },
    ])
  })

  it('refuses path parameters and anything else', () => {
    expect(parseIdentitySource('method.request.path.id')).toEqual({ error: '"method.request.path.id": path parameters cannot be identity sources' })
    expect(parseIdentitySource('$request.header.Authorization')).toHaveProperty('error')
    expect(parseIdentitySource('method.request.header.A,')).toHaveProperty('error')
  })
})

describe('authorizers in definitions', () => {
  it('compiles a TOKEN authorizer onto the method that names it', () => {
    const { table, errors } = compile(doc(token(", identityValidationExpression: '^Bearer .+$', authorizerResultTtlInSeconds: 60")))
    expect(errors).toEqual([])
    const api = table.apis[0]
    expect(api.resources[0].methods.GET.authorizer).toEqual({ name: 'tok', scopes: [] })
    expect(api.authorizers).toEqual({
      tok: {
        name: 'tok',
        type: 'TOKEN',
        region: 'us-east-1',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:auth',
        identitySources: [{ location: 'header', name: 'authorization' }],
        validationExpression: '^Bearer .+$',
        ttlSeconds: 60,
      },
    })
  })

  it('defaults the TTL to 300 and a TOKEN header to the scheme name', () => {
    const { table, errors } = compile(
      doc(`    tok:
      type: apiKey
      name: X-Token
      in: header
      x-amazon-apigateway-authorizer: { type: TOKEN, authorizerUri: '${fn}' }`),
    )
    expect(errors).toEqual([])
    expect(table.apis[0].authorizers!.tok).toMatchObject({ ttlSeconds: 300, identitySources: [{ location: 'header', name: 'x-token' }] })
  })

  it('leaves methods without security, and unused authorizers, out of it', () => {
    const { table } = compile(doc(token(), '[]'))
    expect(table.apis[0].resources[0].methods.GET.authorizer).toBeUndefined()
    expect(table.apis[0].authorizers).toBeUndefined()
  })

  it('reports an unknown scheme, a token authorizer without authorizerUri, bad identity sources', () => {
    expect(messages(doc(token(), '[{ nope: [] }]'))).toEqual(['routes/api.yaml: $.paths["/pets"].get.security[0].nope: unknown security scheme "nope" (not in components.securitySchemes)'])
    expect(messages(doc(`    tok:
      type: apiKey
      x-amazon-apigateway-authorizer: { type: token, identitySource: method.request.header.Authorization }`))).toEqual([
      `routes/api.yaml: $.components.securitySchemes.tok["x-amazon-apigateway-authorizer"].authorizerUri: token authorizers need authorizerUri (the Lambda function's invoke ARN)`,
    ])
    expect(messages(doc(token().replace('method.request.header.Authorization', 'method.request.querystring.t')))).toEqual([
      'routes/api.yaml: $.components.securitySchemes.tok["x-amazon-apigateway-authorizer"].identitySource: token authorizers read one header: method.request.header.NAME',
    ])
    expect(messages(doc(`    req:
      type: apiKey
      x-amazon-apigateway-authorizer: { type: request, authorizerUri: '${fn}', identitySource: 'method.request.path.id' }`, '[{ req: [] }]'))).toEqual([
      'routes/api.yaml: $.components.securitySchemes.req["x-amazon-apigateway-authorizer"].identitySource: "method.request.path.id": path parameters cannot be identity sources',
    ])
  })

  it('reports a bad type, TTL, validation expression and role', () => {
    expect(messages(doc(token().replace('type: token', 'type: magic')))).toEqual([
      'routes/api.yaml: $.components.securitySchemes.tok["x-amazon-apigateway-authorizer"].type: must be one of token, request, cognito_user_pools (REST) or jwt, request (HTTP APIs)',
    ])
    expect(messages(doc(token(', authorizerResultTtlInSeconds: 7200')))[0]).toMatch(/authorizerResultTtlInSeconds: must be at most 3600/)
    expect(messages(doc(token(", identityValidationExpression: 'a{'")))[0]).toMatch(/identityValidationExpression: not a valid regular expression/)
    expect(messages(doc(token(', authorizerCredentials: nobody')))[0]).toMatch(/authorizerCredentials: "nobody" is not an IAM role ARN/)
  })

  it('needs identity sources on a cached REQUEST authorizer, not on an uncached one', () => {
    const request = (ttl: number) => `    req:
      type: apiKey
      x-amazon-apigateway-authorizer: { type: request, authorizerUri: '${fn}', authorizerResultTtlInSeconds: ${ttl} }`
    expect(messages(doc(request(300), '[{ req: [] }]'))[0]).toMatch(/identitySource: a cached request authorizer needs identity sources/)
    expect(messages(doc(request(0), '[{ req: [] }]'))).toEqual([])
  })

  it('compiles a Cognito authorizer with its pool issuer, or the x-gateway override', () => {
    const cognito = `    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer: { type: cognito_user_pools, providerARNs: ['${pool}'] }`
    const aws = compile(doc(cognito, "[{ pool: ['pets/read'] }]"))
    expect(aws.errors).toEqual([])
    expect(aws.table.apis[0].resources[0].methods.GET.authorizer).toEqual({ name: 'pool', scopes: ['pets/read'] })
    expect(aws.table.apis[0].authorizers!.pool.userPools).toEqual([
      { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123', jwksUri: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json' },
    ])
    const local = compile(doc(cognito, '[{ pool: [] }]', `x-gateway: { cognitoIssuers: { '${pool}': 'http://127.0.0.1:9229/pool/' } }`))
    expect(local.table.apis[0].authorizers!.pool.userPools).toEqual([{ issuer: 'http://127.0.0.1:9229/pool', jwksUri: 'http://127.0.0.1:9229/pool/.well-known/jwks.json' }])
    expect(messages(doc(cognito.replace(pool, 'arn:aws:cognito-idp:us-east-1:1:userpool/x'), '[{ pool: [] }]'))[0]).toMatch(/providerARNs\[0\]: .* is not a user pool ARN/)
  })

  it('refuses what it does not run: IAM auth, two authorizers, scopes on a Lambda authorizer, JWT', () => {
    expect(messages(doc(`    sigv4: { type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4 }`, '[{ sigv4: [] }]'))).toEqual([
      'routes/api.yaml: $.paths["/pets"].get.security[0].sigv4: IAM (AWS_IAM / awsSigv4) authorization is not supported',
    ])
    const iamMethod = doc(token(), '[]').replace('      security: []\n', '      x-amazon-apigateway-auth: { type: aws_iam }\n')
    expect(messages(iamMethod)).toEqual(['routes/api.yaml: $.paths["/pets"].get["x-amazon-apigateway-auth"].type: IAM (AWS_IAM / awsSigv4) authorization is not supported'])
    expect(messages(iamMethod.replace('aws_iam', 'NONE'))).toEqual([])
    expect(messages(doc(`${token()}\n${token().replace('tok:', 'tok2:')}`, '[{ tok: [], tok2: [] }]'))[0]).toMatch(/security\[0\]\.tok2: a method has one authorizer/)
    expect(messages(doc(token(), "[{ tok: ['a/b'] }]"))[0]).toMatch(/scopes apply to jwt and cognito_user_pools authorizers only/)
    expect(messages(doc(`    jwt: { type: oauth2, x-amazon-apigateway-authorizer: { type: jwt } }`, '[{ jwt: [] }]'))[0]).toMatch(/jwt authorizers belong to HTTP APIs/)
  })

  it('accepts the AUTHORIZER key source only with a Lambda authorizer', () => {
    expect(messages(doc(token(), '[{ tok: [] }]', 'x-amazon-apigateway-api-key-source: AUTHORIZER'))).toEqual([])
    expect(messages(doc(token(), '[]', 'x-amazon-apigateway-api-key-source: AUTHORIZER'))[0]).toMatch(/AUTHORIZER takes keys from a Lambda authorizer/)
  })
})
