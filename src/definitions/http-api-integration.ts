import type { Integration } from './table'
import type { IntegrationDefinition } from './schema'
import type { Segment } from './paths'
import type { MappingValue, ParameterMapping } from './http-api-table'
import { compileIntegration } from './integration'
import { parseMappingValue, parseParameterMappings } from './parameter-mapping'
import { parseCredentials } from './aws-arn'
import { integrationSubtypes, subtypeNamed } from '../integration/aws/subtypes'

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
  route: { defaultRoute: boolean; region: string },
): Integration {
  const { report } = ctx
  const at = (field: string) => [...where, field]
  if (def.integrationSubtype !== undefined) return compileAwsService(def, where, report, route.region)
  // MOCK is beyond AWS's HTTP APIs but sends nothing anywhere: kept, for local stubs and tests.
  if (def.type === 'http' || def.type === 'aws') {
    report(at('type'), `HTTP APIs have http_proxy and aws_proxy integrations (and mock here), not ${def.type}`)
  }
  const version = def.payloadFormatVersion
  if (def.type === 'http_proxy' && version === '2.0') report(at('payloadFormatVersion'), 'HTTP proxy integrations use payload format 1.0')
  if (def.type === 'aws_proxy' && version === undefined) report(at('payloadFormatVersion'), "a Lambda integration of an HTTP API needs payloadFormatVersion: '1.0' or '2.0'")

  // Beyond AWS, kept from before HTTP APIs had their own: REST's `integration.request.*` mappings.
  const restForm: Record<string, string> = {}
  const rawRequest: Record<string, string> = {}
  for (const [key, value] of Object.entries((def.requestParameters ?? {}) as Record<string, string>)) {
    if (key.startsWith('integration.request.') || def.type === 'mock') restForm[key] = value
    else rawRequest[key] = value
  }
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
    if (`integration.request.path.${name}` in restForm) continue
    if (routeParams.has(name)) pathMappings[`integration.request.path.${name}`] = `method.request.path.${name}`
    else report(at('uri'), `{${placeholder}} is not a path parameter of this route`)
  }
  const integration = compileIntegration(
    def.type === 'mock'
      ? { ...def, timeoutInMillis: undefined }
      : { ...def, requestParameters: { ...pathMappings, ...restForm }, responses: undefined, requestTemplates: undefined, timeoutInMillis: undefined },
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

/**
 * A first-class AWS service integration: `integrationSubtype` with the subtype's parameters as
 * `requestParameters` (values are mapping values: `$request.body.x`, `${…}`, static), signed with
 * the gateway's credentials or the `credentials` role.
 */
function compileAwsService(def: IntegrationDefinition, where: Path, report: Report, apiRegion: string): Integration {
  const at = (...more: (string | number)[]) => [...where, ...more]
  const name = String(def.integrationSubtype)
  const subtype = subtypeNamed(name)
  if (def.type !== 'aws_proxy') report(at('type'), 'an integrationSubtype integration is of type aws_proxy')
  if (!subtype) report(at('integrationSubtype'), `"${name}" is not supported (supported: ${Object.keys(integrationSubtypes).join(', ')})`)
  const parameters: Record<string, MappingValue> = {}
  for (const [key, raw] of Object.entries(def.requestParameters ?? {})) {
    if (subtype && !subtype.required.includes(key) && !subtype.optional.includes(key)) {
      report(at('requestParameters', key), `${name} takes no parameter "${key}" (it takes ${[...subtype.required, ...subtype.optional].join(', ')})`)
      continue
    }
    const value = parseMappingValue(String(raw), 'request')
    if ('error' in value) report(at('requestParameters', key), value.error)
    else parameters[key] = value
  }
  for (const required of subtype?.required ?? []) {
    if (!(required in (def.requestParameters ?? {}))) report(at('requestParameters'), `${name} needs the parameter ${required}`)
  }
  let credentialsRole: string | undefined
  if (def.credentials !== undefined) {
    const credentials = parseCredentials(def.credentials)
    if ('error' in credentials) report(at('credentials'), credentials.error)
    else if ('role' in credentials) credentialsRole = credentials.role
  }
  const region = parameters.Region?.length === 1 && 'text' in parameters.Region[0] ? parameters.Region[0].text : apiRegion
  return {
    type: 'aws_proxy',
    requestParameters: {},
    requestTemplates: {},
    passthroughBehavior: 'WHEN_NO_MATCH',
    timeoutInMillis: def.timeoutInMillis ?? 30000,
    responses: [],
    cacheKeyParameters: [],
    ...(credentialsRole ? { credentialsRole } : {}),
    httpApi: { requestParameters: [], responseParameters: {}, appendRequestPath: false, awsService: { subtype: name, region, parameters } },
  }
}
