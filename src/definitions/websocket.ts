import type { Api, Authorizer, IdentitySource, Stage } from './table'
import type { SelectionExpression, WebSocketApi, WebSocketIntegration, WebSocketIntegrationResponse, WebSocketRoute, WebSocketStage } from './websocket-table'
import { accountThrottle, type PlanSource } from './usage-plans'
import { wsDocumentSchema, type WsIntegrationDefinition, type WsRouteDefinition } from './websocket-schema'
import { issueMessage, type Path } from './document'
import { checkFunctionArn, parseCredentials, parseIntegrationArn } from './aws-arn'
import { stageVariableRef } from './integration'
import { awsPlacement } from './aws-placement'
import { compileTemplate, TemplateSyntaxError } from '../vtl'
import { toJavaRegExp } from '../integration/selection-pattern'
import { parseSelectionExpression } from '../websocket/selection-expression'
import { accessLogOf, checkAccessLogSettings } from './observe-settings'

type Report = (path: Path, message: string) => void

const specialRoutes = new Set(['$connect', '$disconnect', '$default'])
const requestTarget = /^integration\.request\.(header|querystring)\.([A-Za-z0-9._$-]+)$/
const requestSources: [RegExp, string?][] = [
  [/^route\.request\.(header|querystring)\.[A-Za-z0-9._$-]+$/, '$connect'],
  [/^route\.request\.body(\..+)?$/],
  [/^stageVariables\.[A-Za-z0-9_]+$/],
  [/^context\.[A-Za-z0-9._-]+$/],
  [/^'[^']*'$/],
]
const identitySourceForms: [RegExp, IdentitySource['location']][] = [
  [/^route\.request\.header\.([A-Za-z0-9._$-]+)$/, 'header'],
  [/^route\.request\.querystring\.([A-Za-z0-9._$-]+)$/, 'querystring'],
  [/^stageVariables\.([A-Za-z0-9_]+)$/, 'stageVariables'],
  [/^context\.([A-Za-z0-9._$-]+)$/, 'context'],
]

/** AWS's fixed limits, the defaults of the per-stage settings. */
export const webSocketDefaults = { idleTimeoutSeconds: 600, maxDurationSeconds: 7200, connectionShards: 16 }

/**
 * Compiles a WebSocket API file (`x-gateway.protocolType: WEBSOCKET`) into the route table's API,
 * reporting every problem with its JSON path: unknown `$` route keys, bad selection expressions,
 * routes without integrations, integrations that cannot run, authorizers on other routes than `$connect`.
 * @example const compiled = compileWebSocketDocument('routes/chat.yaml', yaml, report, warn)
 */
export function compileWebSocketDocument(file: string, value: unknown, report: Report, warn: Report, apiIdFromFile: (file: string) => string): { api: Api; plans: PlanSource } | undefined {
  const parsed = wsDocumentSchema.safeParse(value)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(issue.path as Path, issueMessage(issue))
    return undefined
  }
  const x = parsed.data['x-gateway']
  const at = (...path: Path): Path => ['x-gateway', ...path]
  const expression = (source: string, where: Path): SelectionExpression | undefined => {
    const e = parseSelectionExpression(source)
    if ('error' in e) return void report(where, `not a selection expression: ${e.error}`)
    return e
  }

  const routeSelection = expression(x.routeSelectionExpression, at('routeSelectionExpression')) ?? { parts: ['$default'] }
  let apiKeySource: WebSocketApi['apiKeySource'] = 'HEADER'
  if (x.apiKeySelectionExpression === '$context.authorizer.usageIdentifierKey') apiKeySource = 'AUTHORIZER'
  else if (x.apiKeySelectionExpression !== undefined && x.apiKeySelectionExpression !== '$request.header.x-api-key') {
    report(at('apiKeySelectionExpression'), 'must be $request.header.x-api-key or $context.authorizer.usageIdentifierKey')
  }

  const authorizers: Record<string, Authorizer> = {}
  for (const [name, def] of Object.entries(x.authorizers ?? {})) {
    const where = at('authorizers', name)
    const target = parseIntegrationArn(def.authorizerUri)
    if ('error' in target || !target.functionArn) {
      report([...where, 'authorizerUri'], 'must be a Lambda invoke ARN (arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations)')
      continue
    }
    const bad = checkFunctionArn(target.functionArn)
    if (bad) report([...where, 'authorizerUri'], bad)
    const identitySources: IdentitySource[] = []
    const sources = typeof def.identitySource === 'string' ? def.identitySource.split(',') : (def.identitySource ?? [])
    sources.forEach((raw, i) => {
      const text = raw.trim()
      const form = identitySourceForms.find(([re]) => re.test(text))
      if (!form) return report([...where, 'identitySource', ...(Array.isArray(def.identitySource) ? [i] : [])], `"${text}" is not an identity source (route.request.header.X, route.request.querystring.X, stageVariables.X or context.X)`)
      const name = form[0].exec(text)![1]
      identitySources.push({ location: form[1], name: form[1] === 'header' ? name.toLowerCase() : name })
    })
    const ttlSeconds = def.authorizerResultTtlInSeconds ?? 300
    if (identitySources.length === 0 && ttlSeconds > 0) report([...where, 'identitySource'], 'a cached authorizer needs identity sources (its cache key); or set authorizerResultTtlInSeconds: 0')
    const authorizer: Authorizer = { name, type: 'REQUEST', identitySources, ttlSeconds, region: target.region, functionArn: target.functionArn }
    if (def.authorizerCredentialsArn !== undefined) {
      const role = parseCredentials(def.authorizerCredentialsArn)
      if ('error' in role || !('role' in role)) report([...where, 'authorizerCredentialsArn'], `"${def.authorizerCredentialsArn}" is not an IAM role ARN`)
      else authorizer.credentialsRole = role.role
    }
    authorizers[name] = authorizer
  }

  const routes: Record<string, WebSocketRoute> = {}
  for (const [routeKey, def] of Object.entries(x.routes)) {
    const route = compileRoute(routeKey, def, at('routes', routeKey), { report, warn, expression, authorizers: x.authorizers ?? {} })
    if (route) routes[routeKey] = route
  }
  checkApiKeys(routes, apiKeySource, at, report, warn)

  const stages: Record<string, Stage> = {}
  const wsStages: Record<string, WebSocketStage> = {}
  const defined = x.stages && Object.keys(x.stages).length > 0 ? x.stages : { $default: {} }
  for (const [name, s] of Object.entries(defined) as [string, NonNullable<typeof x.stages>[string]][]) {
    stages[name] = { name, variables: s.variables ?? {}, throttle: {}, throttlingFailOpen: false, rateLimitHeaders: false, ...accessLogOf(s.accessLogSettings) }
    checkAccessLogSettings(s.accessLogSettings, at('stages', name, 'accessLogSettings'), report)
    const routeThrottle: WebSocketStage['routeThrottle'] = {}
    warnUnappliedSettings(s.defaultRouteSettings, at('stages', name, 'defaultRouteSettings'), warn)
    for (const [key, setting] of Object.entries(s.routeSettings ?? {})) {
      if (!routes[key]) report(at('stages', name, 'routeSettings', key), `no route "${key}" in this API`)
      warnUnappliedSettings(setting, at('stages', name, 'routeSettings', key), warn)
      const throttle = throttleOf(setting)
      if (throttle) routeThrottle[key] = throttle
    }
    const throttle = throttleOf(s.defaultRouteSettings)
    wsStages[name] = {
      idleTimeoutSeconds: s.idleTimeoutInSeconds ?? webSocketDefaults.idleTimeoutSeconds,
      maxDurationSeconds: s.maxConnectionDurationInSeconds ?? webSocketDefaults.maxDurationSeconds,
      connectionShards: s.connectionShards ?? webSocketDefaults.connectionShards,
      ...(throttle ? { throttle } : {}),
      routeThrottle,
    }
    for (const route of Object.values(routes)) {
      for (const [, variable] of (route.integration.uri ?? '').matchAll(stageVariableRef)) {
        if (!s.variables?.[variable]) warn(at('routes', route.routeKey, 'integration', 'integrationUri'), `\${stageVariables.${variable}} is not set in stage ${name}: messages there get an error frame`)
      }
    }
  }

  const id = x.apiId ?? apiIdFromFile(file)
  const api: Api = {
    id,
    title: x.name ?? id,
    file,
    protocol: 'WEBSOCKET',
    ...(x.basePath ? { basePath: x.basePath.replace(/^\/|\/$/g, '') } : {}),
    stages,
    resources: [],
    gatewayResponses: {},
    binaryMediaTypes: [],
    endpointType: 'REGIONAL',
    apiKeySource: apiKeySource,
    ...awsPlacement(x),
    websocket: { routeSelection, apiKeySource, routes, authorizers, stages: wsStages },
  }
  return { api, plans: { api, plans: x.usagePlans ?? [], keys: x.apiKeys ?? [] } }
}

/** Route settings AWS exports that this gateway accepts but does not apply to WebSocket APIs, each said once. */
function warnUnappliedSettings(s: { loggingLevel?: string; dataTraceEnabled?: boolean; detailedMetricsEnabled?: boolean } | undefined, where: Path, warn: Report) {
  if (s?.loggingLevel && s.loggingLevel !== 'OFF') warn([...where, 'loggingLevel'], 'execution logs are written for REST APIs only: ignored here (access logs and metrics still record every event)')
  if (s?.dataTraceEnabled) warn([...where, 'dataTraceEnabled'], 'execution logs are written for REST APIs only: ignored here')
  if (s?.detailedMetricsEnabled === false) warn([...where, 'detailedMetricsEnabled'], 'WebSocket metrics always carry the Route dimension: ignored')
}

const throttleOf = (s: { throttlingRateLimit?: number; throttlingBurstLimit?: number } | undefined) =>
  s && (s.throttlingRateLimit !== undefined || s.throttlingBurstLimit !== undefined)
    ? { rateLimit: s.throttlingRateLimit ?? accountThrottle.rateLimit, burstLimit: s.throttlingBurstLimit ?? accountThrottle.burstLimit }
    : undefined

/**
 * The key is selected on the handshake (only it has headers), so a message route can require one
 * only where `$connect` does; `$disconnect` runs after the connection is gone and checks nothing.
 */
function checkApiKeys(routes: Record<string, WebSocketRoute>, source: WebSocketApi['apiKeySource'], at: (...path: Path) => Path, report: Report, warn: Report) {
  const connect = routes.$connect
  if (connect?.apiKeyRequired && source === 'AUTHORIZER' && !connect.authorizer) {
    report(at('apiKeySelectionExpression'), "$context.authorizer.usageIdentifierKey takes the key from the $connect authorizer, and $connect has none; use $request.header.x-api-key")
  }
  for (const route of Object.values(routes)) {
    if (!route.apiKeyRequired || route === connect) continue
    const where = at('routes', route.routeKey, 'apiKeyRequired')
    if (route.routeKey === '$disconnect') warn(where, 'ignored: $disconnect runs after the connection is gone (the key is checked on $connect)')
    else if (!connect?.apiKeyRequired) report(where, 'the API key is selected on the handshake: set apiKeyRequired on $connect too')
  }
}

interface RouteContext {
  report: Report
  warn: Report
  expression: (source: string, where: Path) => SelectionExpression | undefined
  authorizers: Record<string, unknown>
}

function compileRoute(routeKey: string, def: WsRouteDefinition, where: Path, ctx: RouteContext): WebSocketRoute | undefined {
  const { report } = ctx
  if (routeKey.startsWith('$') && !specialRoutes.has(routeKey)) {
    return void report(where, `unknown route key "${routeKey}": keys starting with $ are $connect, $disconnect and $default; custom keys must not start with $`)
  }
  if (routeKey === '') return void report(where, 'a route key is not empty')
  if (!def.integration) return void report([...where, 'integration'], `route "${routeKey}" has no integration`)
  let twoWay = false
  if (def.routeResponseSelectionExpression !== undefined) {
    if (def.routeResponseSelectionExpression !== '$default' && def.routeResponseSelectionExpression !== '\\$default') {
      report([...where, 'routeResponseSelectionExpression'], 'WebSocket route responses are selected by $default only')
    }
    twoWay = routeKey !== '$connect' && routeKey !== '$disconnect'
    if (!twoWay) ctx.warn([...where, 'routeResponseSelectionExpression'], `${routeKey} cannot reply over the socket: ignored`)
  }
  const authorizationType = def.authorizationType ?? (def.authorizerId ? 'CUSTOM' : 'NONE')
  let authorizer: string | undefined
  if (authorizationType === 'AWS_IAM') report([...where, 'authorizationType'], 'IAM (AWS_IAM) authorization is not supported')
  if (authorizationType === 'CUSTOM' || def.authorizerId !== undefined) {
    if (routeKey !== '$connect') report([...where, 'authorizationType'], 'only $connect can have an authorizer')
    else if (!def.authorizerId) report([...where, 'authorizerId'], 'CUSTOM authorization names an authorizer in x-gateway.authorizers')
    else if (!Object.hasOwn(ctx.authorizers, def.authorizerId)) report([...where, 'authorizerId'], `unknown authorizer "${def.authorizerId}" (not in x-gateway.authorizers)`)
    else authorizer = def.authorizerId
  }
  const integration = compileIntegration(routeKey, def.integration, [...where, 'integration'], ctx)
  return { routeKey, ...(authorizer ? { authorizer } : {}), apiKeyRequired: def.apiKeyRequired ?? false, twoWay, integration }
}

function compileIntegration(routeKey: string, def: WsIntegrationDefinition, where: Path, ctx: RouteContext): WebSocketIntegration {
  const { report } = ctx
  const type = def.integrationType.toLowerCase() as WebSocketIntegration['type']
  const integration: WebSocketIntegration = {
    type,
    method: def.integrationMethod ?? 'POST',
    requestParameters: def.requestParameters ?? {},
    requestTemplates: def.requestTemplates ?? {},
    passthroughBehavior: def.passthroughBehavior ?? 'WHEN_NO_MATCH',
    timeoutInMillis: def.timeoutInMillis ?? 29000,
    responses: [],
    ...(def.contentHandlingStrategy ? { contentHandling: def.contentHandlingStrategy } : {}),
  }
  if (type === 'http' || type === 'http_proxy') {
    if (!def.integrationMethod) report([...where, 'integrationMethod'], 'an HTTP integration needs integrationMethod')
    if (!def.integrationUri) report([...where, 'integrationUri'], 'an HTTP integration needs integrationUri')
    else if (!/^https?:\/\/[^/?#]+/i.test(def.integrationUri.replace(stageVariableRef, 'stagevar'))) report([...where, 'integrationUri'], `"${def.integrationUri}" is not an absolute http(s) URL`)
    else integration.uri = def.integrationUri
  } else if (type === 'aws' || type === 'aws_proxy') {
    const target = def.integrationUri ? parseIntegrationArn(def.integrationUri) : undefined
    if (!target || 'error' in target || !target.functionArn) {
      report([...where, 'integrationUri'], 'WebSocket AWS and AWS_PROXY integrations invoke a Lambda function: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations')
    } else {
      const bad = checkFunctionArn(target.functionArn)
      if (bad) report([...where, 'integrationUri'], bad)
      Object.assign(integration, { uri: def.integrationUri, region: target.region, functionArn: target.functionArn, method: 'POST' })
    }
    if (def.credentialsArn !== undefined) {
      const role = parseCredentials(def.credentialsArn)
      if ('error' in role) report([...where, 'credentialsArn'], role.error)
      else if ('role' in role) integration.credentialsRole = role.role
    }
  }
  if (type === 'aws_proxy' || type === 'http_proxy') {
    for (const field of ['requestTemplates', 'integrationResponses'] as const) {
      if (def[field] !== undefined) ctx.warn([...where, field], `${def.integrationType} integrations ignore ${field}`)
    }
  }
  for (const [target, source] of Object.entries(integration.requestParameters)) {
    const at = [...where, 'requestParameters', target]
    if (!requestTarget.test(target)) report(at, `"${target}" is not integration.request.header.NAME or integration.request.querystring.NAME`)
    const form = requestSources.find(([re]) => re.test(source))
    if (!form) report(at, `"${source}" is not a mapping expression (route.request.body.PATH, route.request.header.NAME, context.NAME, stageVariables.NAME or 'static')`)
    else if (form[1] && routeKey !== form[1]) report(at, `"${source}": handshake headers and query strings exist on $connect only`)
  }
  checkTemplates(integration.requestTemplates, [...where, 'requestTemplates'], report)
  if (def.templateSelectionExpression !== undefined) {
    const e = ctx.expression(def.templateSelectionExpression, [...where, 'templateSelectionExpression'])
    if (e) integration.templateSelection = e
  }
  for (const [key, r] of Object.entries(def.integrationResponses ?? {})) {
    const at = [...where, 'integrationResponses', key]
    let pattern: string | null = null
    if (key !== '$default' && key !== '\\$default') {
      const m = /^\/(.+)\/$/s.exec(key)
      if (!m) {
        report(at, 'integration response keys are $default or a regular expression in slashes, e.g. /4\\d\\d/')
        continue
      }
      try {
        toJavaRegExp(m[1])
        pattern = m[1]
      } catch (e) {
        report(at, `not a valid regular expression: ${(e as Error).message}`)
        continue
      }
    }
    checkTemplates(r.responseTemplates ?? {}, [...at, 'responseTemplates'], report)
    const response: WebSocketIntegrationResponse = { key: pattern === null ? '$default' : key, pattern, responseTemplates: r.responseTemplates ?? {} }
    if (r.templateSelectionExpression !== undefined) {
      const e = ctx.expression(r.templateSelectionExpression, [...at, 'templateSelectionExpression'])
      if (e) response.templateSelection = e
    }
    integration.responses.push(response)
  }
  integration.responses.sort((a, b) => Number(a.pattern === null) - Number(b.pattern === null))
  return integration
}

/** Parses every template at build time, so a syntax error never reaches a message. */
function checkTemplates(templates: Record<string, string>, at: Path, report: Report) {
  for (const [key, source] of Object.entries(templates)) {
    try {
      compileTemplate(source)
    } catch (e) {
      report([...at, key], `template syntax error: ${e instanceof TemplateSyntaxError ? `line ${e.line}, column ${e.column}: ${e.detail}` : (e as Error).message}`)
    }
  }
}
