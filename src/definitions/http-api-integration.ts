import type { Integration } from './table'
import type { IntegrationDefinition } from './schema'
import type { Segment } from './paths'
import type { ParameterMapping } from './http-api-table'
import { compileIntegration } from './integration'
import { parseParameterMappings } from './parameter-mapping'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

const uriPlaceholder = /(?<!\$)\{([^{}]+)\}/g

/**
 * Compiles an HTTP API's `x-amazon-apigateway-integration` (../shared/spec §11): HTTP_PROXY or
 * AWS_PROXY (Lambda, payload 1.0 or 2.0), `timeoutInMillis` up to 30 s (the default), apigatewayv2's
 * `requestParameters` (`append:header.x` …) and `responseParameters` per status code. A `{name}`
 * in an HTTP_PROXY uri is the route's path parameter of that name; the rest (uri, method,
 * credentials, connection) is checked as for REST.
 * @example compileHttpApiIntegration(def, at, { segments, declared, report }, { defaultRoute: false })
 */
export function compileHttpApiIntegration(
  def: IntegrationDefinition,
  where: Path,
  ctx: { segments: Segment[]; declared: Set<string>; report: Report },
  route: { defaultRoute: boolean },
): Integration {
  const { report } = ctx
  const at = (field: string) => [...where, field]
  if (def.type !== 'http_proxy' && def.type !== 'aws_proxy') {
    report(at('type'), `HTTP APIs have http_proxy and aws_proxy integrations, not ${def.type}`)
  }
  if (def.integrationSubtype !== undefined) {
    report(at('integrationSubtype'), `AWS service integrations (integrationSubtype ${String(def.integrationSubtype)}) are not supported yet`)
  }
  const version = def.payloadFormatVersion
  if (def.type === 'http_proxy' && version === '2.0') report(at('payloadFormatVersion'), 'HTTP proxy integrations use payload format 1.0')
  if (def.type === 'aws_proxy' && version === undefined) report(at('payloadFormatVersion'), "a Lambda integration of an HTTP API needs payloadFormatVersion: '1.0' or '2.0'")

  const rawRequest = (def.requestParameters ?? {}) as Record<string, string>
  let requestParameters: ParameterMapping[] = []
  if (Object.keys(rawRequest).length > 0 && def.type !== 'http_proxy') {
    // Applied to HTTP proxy integrations only here: refused rather than silently not applied.
    report(at('requestParameters'), 'request parameter mapping is supported on http_proxy integrations only')
  } else requestParameters = parseParameterMappings(rawRequest, 'request', at('requestParameters'), report)

  const responseParameters: Record<string, ParameterMapping[]> = {}
  const rawResponse = def.responseParameters
  if (rawResponse !== undefined && (typeof rawResponse !== 'object' || rawResponse === null || Array.isArray(rawResponse))) {
    report(at('responseParameters'), 'must map status codes to mappings ({"404": {"overwrite:statuscode": "200"}})')
  } else {
    for (const [status, map] of Object.entries((rawResponse ?? {}) as Record<string, unknown>)) {
      const here = [...at('responseParameters'), status]
      if (!/^[2-5]\d\d$/.test(status)) report(here, `"${status}" is not a status code from 200 to 599`)
      else if (typeof map !== 'object' || map === null || Array.isArray(map)) report(here, 'must be a map of mappings')
      else responseParameters[status] = parseParameterMappings(map as Record<string, string>, 'response', here, report)
    }
  }

  // `{name}` in the uri is the route's path parameter: given to the REST compiler as the mapping it would need.
  const routeParams = new Set(ctx.segments.flatMap((s) => (s.kind === 'literal' ? [] : [s.name])))
  const pathMappings: Record<string, string> = {}
  for (const [, placeholder] of (def.uri ?? '').matchAll(uriPlaceholder)) {
    const name = placeholder.replace(/\+$/, '')
    if (placeholder.startsWith('stageVariables.')) continue
    if (routeParams.has(name)) pathMappings[`integration.request.path.${name}`] = `method.request.path.${name}`
    else report(at('uri'), `{${placeholder}} is not a path parameter of this route`)
  }
  const integration = compileIntegration(
    { ...def, requestParameters: pathMappings, responses: undefined, requestTemplates: undefined, timeoutInMillis: undefined },
    where,
    // Placeholders the route lacks are reported above, in HTTP API terms.
    { ...ctx, report: (path, message) => message.includes('has no mapping') || report(path, message) },
  )
  return {
    ...integration,
    timeoutInMillis: def.timeoutInMillis ?? 30000,
    httpApi: { requestParameters, responseParameters, appendRequestPath: route.defaultRoute && def.type === 'http_proxy' },
  }
}
