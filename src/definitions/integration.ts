import type { Api, Integration, IntegrationResponse } from './table'
import type { IntegrationDefinition } from './schema'
import type { Segment } from './paths'
import { checkRequestSource, integrationRequestTarget } from './mapping-expressions'
import { toJavaRegExp } from '../integration/selection-pattern'
import { compileTemplate, TemplateSyntaxError } from '../vtl'
import { checkFunctionArn, parseCredentials, parseIntegrationArn } from './aws-arn'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

const uriPlaceholder = /(?<!\$)\{([^{}]+)\}/g
export const stageVariableRef = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g
const supported = new Set(['http_proxy', 'http', 'mock', 'aws', 'aws_proxy'])

/** Compiles one `x-amazon-apigateway-integration`, reporting every problem against its JSON path. */
export function compileIntegration(
  def: IntegrationDefinition,
  where: Path,
  ctx: { segments: Segment[]; declared: Set<string>; report: Report },
): Integration {
  const { report } = ctx
  if (def.timeoutInMillis !== undefined && def.timeoutInMillis > 29000) report([...where, 'timeoutInMillis'], 'must be at most 29000 (30000 is for HTTP APIs)')
  if (!supported.has(def.type)) report([...where, 'type'], `integration type "${def.type}" is not supported yet (supported: ${[...supported].join(', ')})`)

  if (def.type === 'http' || def.type === 'http_proxy') {
    if (!def.httpMethod) report([...where, 'httpMethod'], 'an HTTP integration needs httpMethod')
    if (!def.uri) report([...where, 'uri'], 'an HTTP integration needs a uri')
    else checkHttpUri(def.uri, def.requestParameters ?? {}, [...where, 'uri'], report)
  }
  let credentialsRole: string | undefined
  if (def.type === 'aws' || def.type === 'aws_proxy') {
    if (!def.httpMethod) report([...where, 'httpMethod'], 'an AWS integration needs httpMethod (POST for Lambda)')
    if (!def.uri) report([...where, 'uri'], 'an AWS integration needs a uri (arn:aws:apigateway:{region}:{service}:path/… or :action/…)')
    else checkAwsUri(def.uri, def.type, def.requestParameters ?? {}, [...where, 'uri'], report)
    if (def.credentials !== undefined) {
      const credentials = parseCredentials(def.credentials)
      if ('error' in credentials) report([...where, 'credentials'], credentials.error)
      else if ('role' in credentials) credentialsRole = credentials.role
    }
  }

  const requestParameters = def.requestParameters ?? {}
  for (const [target, source] of Object.entries(requestParameters)) {
    const at = [...where, 'requestParameters', target]
    if (!integrationRequestTarget.test(target)) {
      report(at, `"${target}" is not integration.request.{path|querystring|header}.NAME`)
      continue
    }
    const check = checkRequestSource(source)
    if (!check.ok) report(at, check.reason)
    else if (check.methodParam) checkDeclared(check.methodParam, ctx, at)
  }

  checkTemplates(def.requestTemplates, [...where, 'requestTemplates'], report)

  const responses: IntegrationResponse[] = []
  for (const [pattern, r] of Object.entries(def.responses ?? {})) {
    const selectionPattern = pattern === 'default' || pattern === '' ? null : pattern
    if (selectionPattern !== null) {
      try {
        toJavaRegExp(selectionPattern)
      } catch (e) {
        report([...where, 'responses', pattern], `selection pattern is not a valid regular expression: ${(e as Error).message}`)
      }
    }
    checkTemplates(r.responseTemplates, [...where, 'responses', pattern, 'responseTemplates'], report)
    responses.push({
      selectionPattern,
      statusCode: r.statusCode,
      responseParameters: r.responseParameters ?? {},
      responseTemplates: dropNulls(r.responseTemplates),
      ...(r.contentHandling ? { contentHandling: r.contentHandling } : {}),
    })
  }
  // The default response is tried last, whatever its position in the document.
  responses.sort((a, b) => Number(a.selectionPattern === null) - Number(b.selectionPattern === null))

  return {
    type: def.type,
    ...(def.httpMethod ? { httpMethod: def.httpMethod } : {}),
    ...(def.uri ? { uri: def.uri } : {}),
    requestParameters,
    requestTemplates: dropNulls(def.requestTemplates),
    passthroughBehavior: def.passthroughBehavior ?? 'WHEN_NO_MATCH',
    ...(def.contentHandling ? { contentHandling: def.contentHandling } : {}),
    timeoutInMillis: def.timeoutInMillis ?? 29000,
    responses,
    cacheKeyParameters: def.cacheKeyParameters ?? [],
    ...(def.cacheNamespace ? { cacheNamespace: def.cacheNamespace } : {}),
    ...(credentialsRole ? { credentialsRole } : {}),
    ...(def.type === 'aws_proxy' && def.payloadFormatVersion ? { payloadFormatVersion: def.payloadFormatVersion } : {}),
  }
}

/**
 * Lambda integrations across the API: payload format 2.0 exists only for HTTP APIs (an error),
 * and Lambda is invoked with POST only (AWS accepts another method but fails every call: a warning).
 */
export function checkLambdaIntegrations(api: Api, report: Report, warn: Report) {
  for (const resource of api.resources) {
    for (const method of Object.values(resource.methods)) {
      const integration = method.integration
      const verb = method.httpMethod === 'ANY' ? 'x-amazon-apigateway-any-method' : method.httpMethod.toLowerCase()
      const at = ['paths', resource.path, verb, 'x-amazon-apigateway-integration']
      if (integration.payloadFormatVersion === '2.0' && api.protocol !== 'HTTP') {
        report([...at, 'payloadFormatVersion'], 'payload format 2.0 is for HTTP APIs (x-gateway.protocolType: HTTP); REST APIs use 1.0')
      }
      if (!integration.type.startsWith('aws') || !integration.uri || !integration.httpMethod || integration.httpMethod === 'POST') continue
      const target = parseIntegrationArn(integration.uri.replace(stageVariableRef, 'stagevar'))
      if (!('error' in target) && target.functionArn) {
        warn([...at, 'httpMethod'], `Lambda is invoked with POST: with ${integration.httpMethod} every call fails with a 500, as on AWS`)
      }
    }
  }
}

/** Parses every template at build time, so a syntax error never reaches run time. */
function checkTemplates(templates: Record<string, string | null> | undefined, at: Path, report: Report) {
  for (const [mediaType, source] of Object.entries(templates ?? {})) {
    if (typeof source !== 'string') continue
    try {
      compileTemplate(source)
    } catch (e) {
      const message = e instanceof TemplateSyntaxError ? `line ${e.line}, column ${e.column}: ${e.detail}` : (e as Error).message
      report([...at, mediaType], `template syntax error: ${message}`)
    }
  }
}

function checkHttpUri(uri: string, requestParameters: Record<string, string>, at: Path, report: Report) {
  // Stage variables may stand anywhere, even in the host; check the shape with them filled in.
  const probe = uri.replace(stageVariableRef, 'stagevar').replace(uriPlaceholder, 'param')
  let url: URL | undefined
  try {
    url = new URL(probe)
  } catch {
    report(at, `"${uri}" is not an absolute http(s) URL`)
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') report(at, `"${uri}" must use http or https`)
  const authority = /^[a-z]+:\/\/[^/?#]*/i.exec(uri)?.[0] ?? ''
  if (/(?<!\$)\{/.test(authority.replace(stageVariableRef, ''))) report(at, 'path parameters cannot change the backend host; use a stage variable')
  checkPlaceholdersMapped(uri, requestParameters, at, report)
}

/** An ARN uri: its form, a Lambda function for Lambda (and for every AWS_PROXY); placeholders only where they cannot move the target. */
function checkAwsUri(uri: string, type: string, requestParameters: Record<string, string>, at: Path, report: Report) {
  const withStageVariables = uri.replace(stageVariableRef, 'stagevar')
  const target = parseIntegrationArn(withStageVariables.replace(uriPlaceholder, 'param'))
  if ('error' in target) return report(at, target.error)
  const head = uri.slice(0, uri.search(/:(path|action)\//))
  if (/[{}]/.test(head)) report(at, 'region and service must be written out: placeholders may only follow path/')
  if (type === 'aws_proxy' && !target.functionArn) {
    report(at, 'an AWS_PROXY integration invokes a Lambda function: arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations')
  }
  const placeholders = hasPlaceholder(withStageVariables)
  if (target.functionArn) {
    if (placeholders) report(at, 'a Lambda function ARN may hold ${stageVariables.x}, not {path} placeholders')
    const problem = checkFunctionArn(target.functionArn)
    if (problem) report(at, problem)
  }
  if (target.action !== undefined && placeholders) report(at, 'an action/{Action} uri takes no {placeholders}')
  checkPlaceholdersMapped(uri, requestParameters, at, report)
}

/**
 * What an export may ask of the network that the edge cannot give: a VPC link (the gateway calls
 * the uri directly, so the load balancer must be reachable from it) or TLS without verification
 * (the runtime always verifies). Served anyway; `validate` says so.
 */
export function warnConnection(def: IntegrationDefinition, where: Path, warn: Report) {
  if (String(def.connectionType ?? '').toUpperCase() === 'VPC_LINK') {
    warn([...where, 'connectionType'], 'VPC links do not exist here: the uri is called directly, so its host must be reachable from the gateway')
  }
  if ((def.tlsConfig as { insecureSkipVerification?: unknown } | undefined)?.insecureSkipVerification === true) {
    warn([...where, 'tlsConfig', 'insecureSkipVerification'], "ignored: the runtime always verifies the backend's certificate")
  }
}

const hasPlaceholder = (s: string) => /(?<!\$)\{[^{}]+\}/.test(s)

function checkPlaceholdersMapped(uri: string, requestParameters: Record<string, string>, at: Path, report: Report) {
  for (const [, param] of uri.matchAll(uriPlaceholder)) {
    if (param.startsWith('stageVariables.')) continue
    const name = param.endsWith('+') ? param.slice(0, -1) : param
    if (!(`integration.request.path.${name}` in requestParameters)) {
      report(at, `{${param}} has no mapping: add requestParameters."integration.request.path.${name}" (e.g. "method.request.path.${name}")`)
    }
  }
}

function checkDeclared(param: { location: string; name: string }, ctx: { segments: Segment[]; declared: Set<string>; report: Report }, at: Path) {
  if (param.location === 'path') {
    if (!ctx.segments.some((s) => s.kind !== 'literal' && s.name === param.name)) {
      ctx.report(at, `method.request.path.${param.name} is not a parameter of this resource path`)
    }
  } else if (!ctx.declared.has(`method.request.${param.location}.${param.name}`)) {
    ctx.report(at, `method.request.${param.location}.${param.name} is not declared in the operation's parameters`)
  }
}

const dropNulls = (m: Record<string, string | null> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'))
