import type { Api, GatewayResponseOverride, Method, MethodResponse, Resource, RouteTable, Stage } from './table'
import { operationSchema, type Document, type Operation } from './schema'
import { issueMessage, parseDocument, type Path } from './document'
import { DefinitionsError, type DefinitionError } from './errors'
import { parseDefinition } from './parse'
import { openApi3 } from './swagger2'
import { parsePathTemplate, routeShape, type Segment } from './paths'
import { checkLambdaIntegrations, compileIntegration, warnConnection } from './integration'
import { isResponseType } from '../gateway-responses/catalogue'
import { resourceId } from './ids'
import { compileStageThrottle, compileUsagePlans, type PlanSource } from './usage-plans'
import { checkCacheSettings, compileStageCache, normalizeMethodSettingKeys } from './cache-settings'
import { createValidationCompiler } from './request-validation'
import { awsPlacement } from './aws-placement'
import { createAuthorizerCompiler } from './authorizers'
import { checkResourcePolicy } from './resource-policy'
import { warnUnsetStageVariables } from './stage-variables'
import { checkObserveSettings, compileObserveSettings } from './observe-settings'
import { compileWebSocketDocument } from './websocket'
import { applyRouteSettings, checkDefaultRoute, exportRegion, isHttpApiDocument } from './http-api'
import { compileHttpApiIntegration } from './http-api-integration'
import { routeKeyOf } from '../router/route-keys'
import { compileCors } from './cors'

export interface SourceFile {
  /** Shown in errors, e.g. `routes/pets.yaml`. */
  file: string
  text: string
}

type ValidationCompiler = ReturnType<typeof createValidationCompiler>
type AuthorizerCompiler = ReturnType<typeof createAuthorizerCompiler>

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const
const anyMethod = 'x-amazon-apigateway-any-method'

/**
 * Compiles definition files into the route table, collecting every error in every file.
 * @example
 * const { table, errors } = compileDefinitions([{ file: 'routes/pets.yaml', text }])
 */
export function compileDefinitions(files: SourceFile[]): { table: RouteTable; errors: DefinitionError[]; warnings: DefinitionError[] } {
  const errors: DefinitionError[] = []
  // Valid but probably not what the author meant (printed by `validate`, never fatal).
  const warnings: DefinitionError[] = []
  const apis: Api[] = []
  const planSources: PlanSource[] = []
  for (const { file, text } of files) {
    const parsed = parseDefinition(file, text)
    errors.push(...parsed.errors)
    if (parsed.errors.length > 0) continue
    // Swagger 2.0 is read as the OpenAPI 3.0 it converts to; errors still name the file's own paths.
    const source = openApi3(parsed.value, (path, message) => errors.push({ file, path, message }))
    if (!source) continue
    const compiled = compileDocument(
      file,
      source.value,
      (path, message) => errors.push({ file, path: source.at(path), message }),
      (path, message) => warnings.push({ file, path: source.at(path), message }),
    )
    if (!compiled) continue
    apis.push(compiled.api)
    planSources.push(compiled.plans)
  }
  const report = (file: string, path: Path, message: string) => errors.push({ file, path, message })
  checkApisApart(apis, report)
  const { usagePlans, apiKeys } = compileUsagePlans(planSources, report)
  return { table: { apis, usagePlans, apiKeys }, errors, warnings }
}

/** Like compileDefinitions, but throws one DefinitionsError listing every problem. */
export function compileOrThrow(files: SourceFile[]): RouteTable {
  const { table, errors } = compileDefinitions(files)
  if (errors.length > 0) throw new DefinitionsError(errors)
  return table
}

function compileDocument(
  file: string,
  value: unknown,
  report: (path: Path, message: string) => void,
  warn: (path: Path, message: string) => void = () => {},
): { api: Api; plans: PlanSource } | undefined {
  const protocol = (value as { 'x-gateway'?: { protocolType?: string } } | null)?.['x-gateway']?.protocolType
  if (typeof protocol === 'string' && protocol.toUpperCase() === 'WEBSOCKET') return compileWebSocketDocument(file, value, report, warn, apiIdFromFile)
  const doc = parseDocument(value, report, warn)
  if (!doc) return undefined
  const x = doc['x-gateway'] ?? {}
  const httpApi = isHttpApiDocument(doc)
  const validation = createValidationCompiler(doc, report, warn)
  const authorizers = createAuthorizerCompiler(doc, report)
  const resources = compilePaths(doc, report, warn, validation, authorizers, httpApi)

  const gatewayResponses: Record<string, GatewayResponseOverride> = {}
  for (const [type, r] of Object.entries(doc['x-amazon-apigateway-gateway-responses'] ?? {})) {
    if (!isResponseType(type)) {
      report(['x-amazon-apigateway-gateway-responses', type], `unknown gateway response type "${type}"`)
      continue
    }
    gatewayResponses[type] = {
      ...(r.statusCode ? { statusCode: r.statusCode } : {}),
      responseParameters: r.responseParameters ?? {},
      responseTemplates: r.responseTemplates ?? {},
    }
  }

  const api: Api = {
    id: x.apiId ?? apiIdFromFile(file),
    title: doc.info?.title ?? apiIdFromFile(file),
    file,
    protocol: x.protocolType ?? (httpApi ? 'HTTP' : 'REST'),
    ...(x.basePath ? { basePath: x.basePath.replace(/^\/|\/$/g, '') } : {}),
    stages: compileStages(doc, httpApi),
    resources,
    gatewayResponses,
    binaryMediaTypes: doc['x-amazon-apigateway-binary-media-types'] ?? [],
    endpointType: x.endpointType ?? 'EDGE',
    apiKeySource: doc['x-amazon-apigateway-api-key-source'] ?? 'HEADER',
    ...awsPlacement(x),
  }
  const minimumCompressionSize = doc['x-amazon-apigateway-minimum-compression-size']
  if (minimumCompressionSize !== undefined && api.protocol !== 'REST') warn(['x-amazon-apigateway-minimum-compression-size'], 'payload compression is for REST APIs only: ignored')
  else if (minimumCompressionSize !== undefined) api.minimumCompressionSize = minimumCompressionSize
  const models = validation.models(api.id)
  if (models) api.models = models
  const cors = compileCors(doc, api.protocol, report, warn)
  if (cors) api.cors = cors
  const usedAuthorizers = authorizers.authorizers()
  if (usedAuthorizers) api.authorizers = usedAuthorizers
  if (api.apiKeySource === 'AUTHORIZER' && !authorizers.hasLambdaAuthorizer()) {
    report(['x-amazon-apigateway-api-key-source'], "AUTHORIZER takes keys from a Lambda authorizer's usageIdentifierKey, and no method uses one; use HEADER")
  }
  applyRouteSettings(api, x.stages, report)
  checkResourcePolicy(doc, report)
  warnUnsetStageVariables(api, warn)
  checkCacheSettings(doc, api, report, warn)
  checkObserveSettings(doc, api, report)
  checkLambdaIntegrations(api, report, warn)
  return { api, plans: { api, plans: x.usagePlans ?? [], keys: x.apiKeys ?? [] } }
}

/** `x-gateway.stages`, else (REST) the export's `servers[0]` basePath variable, else `$default` at the root. */
function compileStages(doc: Document, httpApi: boolean): Record<string, Stage> {
  const defined = doc['x-gateway']?.stages
  if (defined && Object.keys(defined).length > 0) {
    return Object.fromEntries(
      Object.entries(defined).map(([name, s]) => [
        name,
        {
          name,
          variables: s.variables ?? {},
          throttle: compileStageThrottle(normalizeMethodSettingKeys(s.methodSettings)),
          throttlingFailOpen: s.throttlingFailOpen ?? false,
          rateLimitHeaders: s.rateLimitHeaders ?? false,
          ...(s.cacheClusterEnabled ? { cache: compileStageCache(s) } : {}),
          ...compileObserveSettings(s),
        },
      ]),
    )
  }
  // An HTTP API export is served as AWS serves a new API: on its `$default` stage.
  const server = httpApi ? undefined : doc.servers?.[0]
  const fromServer = server?.variables?.basePath?.default ?? (server ? safePathname(server.url) : undefined)
  const cleaned = fromServer?.replace(/^\/+|\/+$/g, '')
  const name = cleaned && /^[A-Za-z0-9_-]+$/.test(cleaned) ? cleaned : '$default'
  return { [name]: { name, variables: {}, throttle: {}, throttlingFailOpen: false, rateLimitHeaders: false } }
}

function safePathname(url: string): string | undefined {
  try {
    return new URL(url.replace(/\{[^}]*\}/g, 'x')).pathname === '/' ? undefined : new URL(url).pathname
  } catch {
    return undefined
  }
}

function compilePaths(
  doc: Document,
  report: (path: Path, message: string) => void,
  warn: (path: Path, message: string) => void,
  validation: ValidationCompiler,
  authorizers: AuthorizerCompiler,
  httpApi: boolean,
): Resource[] {
  const resources: Resource[] = []
  const shapes = new Map<string, string>()
  const schemes = (doc.components as { securitySchemes?: SecuritySchemes } | undefined)?.securitySchemes
  const region = exportRegion(doc)

  for (const [path, item] of Object.entries(doc.paths)) {
    const parsed = parsePathTemplate(path)
    if ('error' in parsed) {
      report(['paths', path], parsed.error)
      continue
    }
    const shape = routeShape(parsed.segments)
    const twin = shapes.get(shape)
    if (twin !== undefined) {
      report(['paths', path], `duplicate route: "${path}" and "${twin}" are the same resource`)
      continue
    }
    shapes.set(shape, path)
    const defaultRoute = httpApi && checkDefaultRoute(path, item, ['paths', path], report)

    const resource: Resource = { path, methods: {} }
    const sharedParams = Array.isArray(item.parameters) ? item.parameters : []
    for (const [key, raw] of Object.entries(item)) {
      const lower = key.toLowerCase()
      const verb = lower === anyMethod ? 'ANY' : (httpMethods as readonly string[]).includes(lower) ? lower.toUpperCase() : undefined
      if (!verb) continue
      const at: Path = ['paths', path, key]
      if (resource.methods[verb]) {
        report(at, `duplicate route: ${verb} ${path} is defined twice`)
        continue
      }
      const op = operationSchema.safeParse(raw)
      if (!op.success) {
        for (const issue of op.error.issues) report([...at, ...(issue.path as Path)], issueMessage(issue))
        continue
      }
      const method = compileMethod({ verb, path, segments: parsed.segments, op: op.data, sharedParams, schemes, httpApi: httpApi ? { defaultRoute, region } : undefined }, at, report)
      warnConnection(op.data['x-amazon-apigateway-integration'], [...at, 'x-amazon-apigateway-integration'], warn)
      const checks = validation.forMethod(method, op.data, at)
      if (checks) method.validation = checks
      const authorizer = authorizers.forMethod(op.data, at)
      if (authorizer) method.authorizer = authorizer
      resource.methods[verb] = method
    }
    resources.push(resource)
  }
  return resources
}

/** One operation of `paths` as the compiler reads it: the verb, its resource, and what the path item shares. */
interface MethodSource {
  verb: string
  path: string
  segments: Segment[]
  op: Operation
  /** The path item's own `parameters`, which every operation under it shares. */
  sharedParams: unknown[]
  schemes: SecuritySchemes | undefined
  /** HTTP APIs: whether this is the `$default` route, and the API's region. */
  httpApi?: { defaultRoute: boolean; region: string }
}

type SecuritySchemes = Record<string, { type?: string; name?: string; in?: string }>

function compileMethod({ verb, path, segments, op, sharedParams, schemes, httpApi }: MethodSource, at: Path, report: (path: Path, message: string) => void): Method {
  const requestParameters: Record<string, boolean> = {}
  for (const s of segments) if (s.kind !== 'literal') requestParameters[`method.request.path.${s.name}`] = true
  for (const p of [...sharedParams, ...(op.parameters ?? [])] as { name: string; in: string; required?: boolean }[]) {
    const location = p.in === 'query' ? 'querystring' : p.in
    if (location === 'cookie') continue
    // A path parameter not in the template is kept too: AWS lets a method declare one, and a validator then finds it missing.
    if (location === 'path') requestParameters[`method.request.path.${p.name}`] ??= p.required ?? false
    else requestParameters[`method.request.${location}.${p.name}`] = p.required ?? false
  }

  const methodResponses: Record<string, MethodResponse> = {}
  for (const [status, r] of Object.entries(op.responses ?? {})) {
    methodResponses[status] = { statusCode: status, headers: Object.keys(r.headers ?? {}) }
  }

  const apiKeyRequired = (op.security ?? []).some((req) =>
    Object.keys(req).some((name) => {
      const s = schemes?.[name]
      return s?.type === 'apiKey' && s.in === 'header' && s.name?.toLowerCase() === 'x-api-key'
    }),
  )

  const integrationContext = { segments, declared: new Set(Object.keys(requestParameters)), report }
  const integrationAt = [...at, 'x-amazon-apigateway-integration']
  const integration = httpApi
    ? compileHttpApiIntegration(op['x-amazon-apigateway-integration'], integrationAt, integrationContext, httpApi)
    : compileIntegration(op['x-amazon-apigateway-integration'], integrationAt, integrationContext)

  return {
    httpMethod: verb,
    resourcePath: path,
    resourceId: resourceId(path),
    ...(op.operationId ? { operationName: op.operationId } : {}),
    apiKeyRequired,
    requestParameters,
    integration,
    methodResponses,
    ...(httpApi ? { routeKey: routeKeyOf(verb, path) } : {}),
  }
}

function checkApisApart(apis: Api[], report: (file: string, path: Path, message: string) => void) {
  const ids = new Map<string, Api>()
  for (const api of apis) {
    const twin = ids.get(api.id)
    if (twin) report(api.file, ['x-gateway', 'apiId'], `API id "${api.id}" is also used by ${twin.file}; set x-gateway.apiId`)
    ids.set(api.id, api)
  }
}


/** Lower-case, dash-separated file base name: `routes/Pet Store.yaml` → `pet-store`. */
export const apiIdFromFile = (file: string) =>
  file
    .replace(/^.*[\\/]/, '')
    .replace(/\.(ya?ml|json)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'api'
