import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (text: string) => compileDefinitions([{ file: 'routes/chat.yaml', text }])
const messages = (text: string) => compile(text).errors.map(formatError)

/** The issue's own example, as users will write it. */
const chat = `x-gateway:
  apiId: chat
  protocolType: WEBSOCKET
  routeSelectionExpression: "$request.body.action"
  stages: { prod: { variables: { backend: chat.example.com } } }
  routes:
    $connect: { integration: { integrationType: HTTP_PROXY, integrationMethod: POST, integrationUri: "https://\${stageVariables.backend}/connect", requestParameters: { integration.request.header.connectionId: context.connectionId } } }
    sendmessage:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        templateSelectionExpression: \\$default
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: '{"ok": true}' } } }
`

const withRoutes = (routes: string, extra = '') => `x-gateway:
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.body.action
${extra}  routes:
${routes}`

const mock = '{ integration: { integrationType: MOCK } }'

describe('WebSocket API definitions', () => {
  it("compiles the issue's chat example into routes, stages and selection expressions", () => {
    const { table, errors } = compile(chat)
    expect(errors).toEqual([])
    const api = table.apis[0]
    expect(api).toMatchObject({ id: 'chat', protocol: 'WEBSOCKET', resources: [] })
    expect(api.stages.prod.variables).toEqual({ backend: 'chat.example.com' })
    const ws = api.websocket!
    expect(ws.routeSelection).toEqual({ parts: [{ path: 'action' }] })
    expect(ws.routes.$connect.integration).toMatchObject({
      type: 'http_proxy',
      method: 'POST',
      uri: 'https://${stageVariables.backend}/connect',
      requestParameters: { 'integration.request.header.connectionId': 'context.connectionId' },
    })
    expect(ws.routes.$connect.twoWay).toBe(false)
    expect(ws.routes.sendmessage).toMatchObject({ twoWay: true, integration: { type: 'mock', templateSelection: { parts: ['$default'] } } })
    expect(ws.routes.sendmessage.integration.responses).toEqual([{ key: '$default', pattern: null, responseTemplates: { $default: '{"ok": true}' } }])
    expect(ws.stages.prod).toMatchObject({ idleTimeoutSeconds: 600, maxDurationSeconds: 7200 })
  })

  it('refuses route keys starting with $ other than $connect, $disconnect and $default', () => {
    expect(messages(withRoutes(`    $default: ${mock}\n    $message: ${mock}\n`))).toEqual([
      'routes/chat.yaml: $["x-gateway"].routes.$message: unknown route key "$message": keys starting with $ are $connect, $disconnect and $default; custom keys must not start with $',
    ])
  })

  it('refuses a route without an integration', () => {
    expect(messages(withRoutes('    join: { routeResponseSelectionExpression: $default }\n'))).toEqual([
      'routes/chat.yaml: $["x-gateway"].routes.join.integration: route "join" has no integration',
    ])
  })

  it('refuses bad selection expressions with the reason', () => {
    const errors = messages(`x-gateway:
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.header.action
  apiKeySelectionExpression: $request.body.key
  routes:
    join:
      routeResponseSelectionExpression: $request.body.x
      integration: { integrationType: MOCK, templateSelectionExpression: '\${request.body.a' }
`)
    expect(errors).toHaveLength(4)
    expect(errors[0]).toMatch(/^routes\/chat\.yaml: \$\["x-gateway"\]\.routeSelectionExpression: not a selection expression: "\$request\.header\.action" is not a selection/)
    expect(errors[1]).toBe('routes/chat.yaml: $["x-gateway"].apiKeySelectionExpression: must be $request.header.x-api-key or $context.authorizer.usageIdentifierKey')
    expect(errors[2]).toBe('routes/chat.yaml: $["x-gateway"].routes.join.routeResponseSelectionExpression: WebSocket route responses are selected by $default only')
    expect(errors[3]).toMatch(/routes\.join\.integration\.templateSelectionExpression: not a selection expression/)
  })

  it('refuses integrations that cannot run and authorizers off $connect', () => {
    const routes = `    $connect: { authorizationType: CUSTOM, authorizerId: nope, integration: { integrationType: MOCK } }
    send: { authorizerId: auth, integration: { integrationType: HTTP_PROXY, integrationUri: 'not a url' } }
    lambda: { integration: { integrationType: AWS_PROXY, integrationUri: 'arn:aws:apigateway:us-east-1:sqs:path/1/q' } }
    echo: { integration: { integrationType: MOCK, requestParameters: { integration.request.header.h: route.request.header.x } } }
`
    const authorizers = `  authorizers:
    auth: { authorizerType: REQUEST, authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations', identitySource: [route.request.header.Auth] }
`
    // A shape error is reported alone: the rest is checked once the file parses.
    expect(messages(withRoutes(`${routes}    bad: { integration: { integrationType: WEBSOCKETS } }\n`, authorizers))).toEqual([
      'routes/chat.yaml: $["x-gateway"].routes.bad.integration.integrationType: must be one of AWS_PROXY, AWS, HTTP_PROXY, HTTP, MOCK',
    ])
    expect(messages(withRoutes(routes, authorizers)).map((m) => m.replace('routes/chat.yaml: $["x-gateway"].routes.', ''))).toEqual([
      '$connect.authorizerId: unknown authorizer "nope" (not in x-gateway.authorizers)',
      'send.authorizationType: only $connect can have an authorizer',
      'send.integration.integrationMethod: an HTTP integration needs integrationMethod',
      'send.integration.integrationUri: "not a url" is not an absolute http(s) URL',
      'lambda.integration.integrationUri: WebSocket AWS and AWS_PROXY integrations invoke a Lambda function: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations',
      'echo.integration.requestParameters["integration.request.header.h"]: "route.request.header.x": handshake headers and query strings exist on $connect only',
    ])
  })

  it('compiles apiKeyRequired and the key selection expression, with usage plans on the API\'s stages', () => {
    const { table, errors } = compile(
      withRoutes(
        `    $connect: { apiKeyRequired: true, integration: { integrationType: MOCK } }\n    metered: { apiKeyRequired: true, ${mock.slice(2)}\n    $default: ${mock}\n`,
        `  stages: { prod: {} }\n  usagePlans: [{ name: ws-gold, apiStages: [{ stage: prod }], quota: { limit: 5, period: DAY } }]\n  apiKeys: [{ name: ws-k, value: ws-key-0123456789abcdefgh, usagePlans: [ws-gold] }]\n`,
      ),
    )
    expect(errors).toEqual([])
    const ws = table.apis[0].websocket!
    expect(ws.apiKeySource).toBe('HEADER')
    expect([ws.routes.$connect.apiKeyRequired, ws.routes.metered.apiKeyRequired, ws.routes.$default.apiKeyRequired]).toEqual([true, true, false])
    expect(table.usagePlans).toEqual([{ name: 'ws-gold', apiStages: [{ apiId: table.apis[0].id, stage: 'prod', throttle: {} }], quota: { limit: 5, period: 'DAY', offset: 0 } }])
  })

  it('refuses a message route that requires a key the handshake does not select, and AUTHORIZER keys without an authorizer', () => {
    expect(messages(withRoutes(`    $connect: ${mock}\n    metered: { apiKeyRequired: true, ${mock.slice(2)}\n`))).toEqual([
      'routes/chat.yaml: $["x-gateway"].routes.metered.apiKeyRequired: the API key is selected on the handshake: set apiKeyRequired on $connect too',
    ])
    const authorizerKeys = withRoutes('    $connect: { apiKeyRequired: true, integration: { integrationType: MOCK } }\n', '  apiKeySelectionExpression: $context.authorizer.usageIdentifierKey\n')
    expect(messages(authorizerKeys)).toEqual([
      'routes/chat.yaml: $["x-gateway"].apiKeySelectionExpression: $context.authorizer.usageIdentifierKey takes the key from the $connect authorizer, and $connect has none; use $request.header.x-api-key',
    ])
    const disconnect = compile(withRoutes(`    $connect: { apiKeyRequired: true, ${mock.slice(2)}\n    $disconnect: { apiKeyRequired: true, ${mock.slice(2)}\n`))
    expect(disconnect.errors).toEqual([])
    expect(disconnect.warnings.map(formatError)).toEqual([
      'routes/chat.yaml: $["x-gateway"].routes.$disconnect.apiKeyRequired: ignored: $disconnect runs after the connection is gone (the key is checked on $connect)',
    ])
  })

  it('takes route settings as get-stage prints them: throttles applied, logging fields said to be ignored, a typo refused', () => {
    const stage = (settings: string) =>
      compile(
        withRoutes(
          `    $connect: ${mock}\n    send: ${mock}\n`,
          `  stages:\n    prod:\n      defaultRouteSettings: { throttlingRateLimit: 10, throttlingBurstLimit: 20, detailedMetricsEnabled: true, loggingLevel: INFO, dataTraceEnabled: true }\n      routeSettings: { send: ${settings} }\n`,
        ),
      )
    const { table, errors, warnings } = stage('{ throttlingRateLimit: 1, throttlingBurstLimit: 2, loggingLevel: OFF, detailedMetricsEnabled: false }')
    expect(errors).toEqual([])
    expect(table.apis[0].websocket!.stages.prod).toMatchObject({ throttle: { rateLimit: 10, burstLimit: 20 }, routeThrottle: { send: { rateLimit: 1, burstLimit: 2 } } })
    expect(warnings.map(formatError)).toEqual([
      'routes/chat.yaml: $["x-gateway"].stages.prod.defaultRouteSettings.loggingLevel: execution logs are written for REST APIs only: ignored here (access logs and metrics still record every event)',
      'routes/chat.yaml: $["x-gateway"].stages.prod.defaultRouteSettings.dataTraceEnabled: execution logs are written for REST APIs only: ignored here',
      'routes/chat.yaml: $["x-gateway"].stages.prod.routeSettings.send.detailedMetricsEnabled: WebSocket metrics always carry the Route dimension: ignored',
    ])
    expect(stage('{ loggingLevel: VERBOSE }').errors.map(formatError)).toEqual([expect.stringContaining('stages.prod.routeSettings.send.loggingLevel')])
    expect(stage('{ throttlingRate: 1 }').errors).toHaveLength(1)
  })

  it('takes accessLogSettings on a stage, and refuses a format AWS would (unknown variable, no request id)', () => {
    const logged = (format: string) => compile(withRoutes(`    $connect: ${mock}\n`, `  stages:\n    prod:\n      accessLogSettings: { format: '${format}', destinationUrl: 'http://127.0.0.1:9/logs' }\n`))
    const good = logged('$context.requestId $context.connectionId $context.eventType $context.status')
    expect(good.errors).toEqual([])
    expect(good.table.apis[0].stages.prod).toMatchObject({ accessLogFormat: '$context.requestId $context.connectionId $context.eventType $context.status', accessLogDestinationUrl: 'http://127.0.0.1:9/logs' })
    expect(logged('$context.connectionId $context.nope').errors.map(formatError)).toEqual([
      'routes/chat.yaml: $["x-gateway"].stages.prod.accessLogSettings.format: unknown $context variable $context.nope',
      'routes/chat.yaml: $["x-gateway"].stages.prod.accessLogSettings.format: must include $context.requestId or $context.extendedRequestId',
    ])
  })

  it('compiles a REQUEST authorizer on $connect with route.request identity sources', () => {
    const { table, errors } = compile(
      withRoutes(
        `    $connect: { authorizationType: CUSTOM, authorizerId: auth, integration: { integrationType: MOCK } }\n`,
        `  authorizers:
    auth: { authorizerType: REQUEST, authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations', identitySource: [route.request.header.Auth, route.request.querystring.token] }
`,
      ),
    )
    expect(errors).toEqual([])
    expect(table.apis[0].websocket!.authorizers.auth).toMatchObject({
      type: 'REQUEST',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:auth',
      identitySources: [{ location: 'header', name: 'auth' }, { location: 'querystring', name: 'token' }],
    })
    expect(table.apis[0].websocket!.routes.$connect.authorizer).toBe('auth')
  })
})
