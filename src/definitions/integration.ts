import type { Integration, IntegrationResponse } from './table'
import type { IntegrationDefinition } from './schema'
import type { DefinitionError } from './errors'
import type { Segment } from './paths'
import { checkRequestSource, integrationRequestTarget } from './mapping-expressions'
import { toJavaRegExp } from '../integration/selection-pattern'
import { compileTemplate, TemplateSyntaxError } from '../vtl'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

const uriPlaceholder = /(?<!\$)\{([^{}]+)\}/g
const stageVariableRef = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g
const supported = new Set(['http_proxy', 'http', 'mock'])

/** Compiles one `x-amazon-apigateway-integration`, reporting every problem against its JSON path. */
export function compileIntegration(
  def: IntegrationDefinition,
  where: Path,
  ctx: { segments: Segment[]; declared: Set<string>; report: Report },
): Integration {
  const { report } = ctx
  if (!supported.has(def.type)) report([...where, 'type'], `integration type "${def.type}" is not supported yet (supported: http_proxy, http, mock)`)

  if (def.type === 'http' || def.type === 'http_proxy') {
    if (!def.httpMethod) report([...where, 'httpMethod'], 'an HTTP integration needs httpMethod')
    if (!def.uri) report([...where, 'uri'], 'an HTTP integration needs a uri')
    else checkHttpUri(def.uri, def.requestParameters ?? {}, [...where, 'uri'], report)
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
