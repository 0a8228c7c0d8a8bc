/**
 * Turns one conformance case's `api` (AWS API field names, as `aws apigateway get-*` prints them)
 * into an OpenAPI 3.0 document in the gateway's definition format (DESIGN.md §4): what
 * `aws apigateway get-export --export-type oas30 --extensions integrations,apigateway` would
 * give for the same API, plus `x-gateway` for what AWS keeps outside the export.
 */

// ---- the case format (conformance/README.md, `http-cases.json`) ----

export interface CaseIntegrationResponse {
  statusCode: string
  selectionPattern?: string
  responseTemplates?: Record<string, string>
  responseParameters?: Record<string, string>
  contentHandling?: string
}

export interface CaseIntegration {
  type: string
  integrationHttpMethod?: string
  uri?: string
  /** Which harness backend answers this integration (README "Backends"). */
  backend?: string
  passthroughBehavior?: string
  contentHandling?: string
  timeoutInMillis?: number
  requestParameters?: Record<string, string>
  requestTemplates?: Record<string, string>
  integrationResponses?: CaseIntegrationResponse[]
}

export type CaseMethodResponse = string | { statusCode: string; responseParameters?: Record<string, boolean> }

export interface CaseMethod {
  httpMethod: string
  authorizationType?: string
  apiKeyRequired?: boolean
  requestParameters?: Record<string, boolean>
  requestValidator?: string
  requestModels?: Record<string, string>
  integration: CaseIntegration
  methodResponses?: CaseMethodResponse[]
}

export interface CaseApi {
  stage: string
  stageVariables?: Record<string, string>
  endpointType?: string
  apiKeySource?: string
  binaryMediaTypes?: string[]
  models?: Record<string, unknown>
  requestValidators?: Record<string, { validateRequestParameters?: boolean; validateRequestBody?: boolean }>
  gatewayResponses?: Record<string, unknown>
  usagePlan?: { apiStages?: string[]; throttle?: unknown; quota?: unknown }
  apiKeys?: { name: string; value: string; enabled?: boolean; inUsagePlan?: boolean }[]
  resources: { path: string; methods: CaseMethod[] }[]
}

// ---- harness values ----

/** What the harness fills in for the tokens cases use in `api` and `request`. */
export interface HarnessValues {
  /** The id given to this case's API: `{restApiId}` in the case, `<api-id>` in expectations. */
  apiId: string
  /** Base URL (`http://127.0.0.1:PORT`, no trailing slash) of each running backend, by backend id. */
  backends: Record<string, string>
  keyValue: string
  region: string
  account: string
  queue: string
  table: string
}

export const defaultHarnessValues = {
  // AWS wants API key values of at least 20 characters.
  keyValue: 'conformance-key-0123456789abcdefghij',
  region: 'us-east-1',
  account: '123456789012',
  queue: 'conformance-queue',
  table: 'conformance-table',
} as const

/**
 * Replaces harness tokens in one string. `<BACKEND>` is the integration's own backend; a `/` is
 * put after it when the case glues a path straight on (`<BACKEND>{map}`).
 * @example
 * fillTokens('<BACKEND>/post', values, 'http-echo-httpbin') // 'http://127.0.0.1:40123/post'
 */
export function fillTokens(text: string, values: HarnessValues, backend?: string): string {
  const base = backend ? values.backends[backend] : undefined
  return text
    .replace(/<BACKEND>(.?)/g, (token, next: string) => {
      if (!base) return token
      return base + (next === '' || '/?#'.includes(next) ? next : `/${next}`)
    })
    .replace(/<BACKEND_HOST>/g, (token) => (base ? new URL(base).host : token))
    .replace(/<KEY_VALUE>/g, values.keyValue)
    .replace(/<region>/g, values.region)
    .replace(/<account>/g, values.account)
    .replace(/<queue>/g, values.queue)
    .replace(/<table>/g, values.table)
    .replace(/\{restApiId\}/g, values.apiId)
}

// ---- the conversion ----

const anyMethod = 'x-amazon-apigateway-any-method'
const modelRef = /^https:\/\/apigateway\.amazonaws\.com\/restapis\/[^/]+\/models\/([^/]+)$/

/**
 * Converts a case's `api` into a definition document for `gateway serve`.
 * @example
 * const doc = toOpenApi(testCase.api, { apiId: 'c042', backends, ...defaultHarnessValues }, 'routing-existing-route')
 * await writeFile(join(dir, 'c042.json'), JSON.stringify(doc, null, 2))
 */
export function toOpenApi(api: CaseApi, values: HarnessValues, title = values.apiId): Record<string, unknown> {
  // Stage variables belong to the API, not to one integration: `<BACKEND_HOST>` there is the API's (first) backend.
  const apiBackend = api.resources.flatMap((r) => r.methods).find((m) => m.integration?.backend)?.integration.backend
  const paths: Record<string, Record<string, unknown>> = {}
  for (const resource of api.resources) {
    const item = (paths[resource.path] ??= {})
    for (const method of resource.methods) {
      const verb = method.httpMethod.toUpperCase() === 'ANY' ? anyMethod : method.httpMethod.toLowerCase()
      item[verb] = operation(resource.path, method, values)
    }
  }

  const doc: Record<string, unknown> = {
    openapi: '3.0.1',
    info: { title, version: '1.0' },
    paths,
  }

  const components: Record<string, unknown> = {}
  if (api.models) components.schemas = mapObject(api.models, (schema) => rewriteModelRefs(fillDeep(schema, values)))
  if (usesApiKeys(api)) components.securitySchemes = { api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' } }
  if (Object.keys(components).length > 0) doc.components = components

  if (api.gatewayResponses) doc['x-amazon-apigateway-gateway-responses'] = api.gatewayResponses
  if (api.binaryMediaTypes) doc['x-amazon-apigateway-binary-media-types'] = api.binaryMediaTypes
  if (api.apiKeySource) doc['x-amazon-apigateway-api-key-source'] = api.apiKeySource
  if (api.requestValidators) doc['x-amazon-apigateway-request-validators'] = api.requestValidators

  const stage: Record<string, unknown> = {}
  if (api.stageVariables) stage.variables = mapObject(api.stageVariables, (v) => fillTokens(v, values, apiBackend))
  const gateway: Record<string, unknown> = {
    apiId: values.apiId,
    endpointType: (api.endpointType ?? 'EDGE').toUpperCase(),
    stages: { [api.stage]: stage },
  }
  if (api.usagePlan) {
    const { apiStages, ...limits } = api.usagePlan
    gateway.usagePlans = [{ name: `${values.apiId}-plan`, apiStages: (apiStages ?? [api.stage]).map((s) => ({ stage: s })), ...limits }]
  }
  if (api.apiKeys) {
    gateway.apiKeys = api.apiKeys.map((k) => ({
      name: `${values.apiId}-${k.name}`,
      value: fillTokens(k.value, values),
      enabled: k.enabled ?? true,
      usagePlans: k.inUsagePlan && api.usagePlan ? [`${values.apiId}-plan`] : [],
    }))
  }
  // Every AWS service the cases use answers on the harness's one `aws` server, as LocalStack's do.
  const types = api.resources.flatMap((r) => r.methods.map((m) => m.integration?.type.toUpperCase()))
  if (types.some((t) => t === 'AWS' || t === 'AWS_PROXY') && values.backends.aws) gateway.awsEndpoints = { default: values.backends.aws }
  doc['x-gateway'] = gateway
  return doc
}

function operation(path: string, method: CaseMethod, values: HarnessValues): Record<string, unknown> {
  const op: Record<string, unknown> = {}
  const parameters = methodParameters(path, method.requestParameters ?? {})
  if (parameters.length > 0) op.parameters = parameters

  if (method.requestModels && Object.keys(method.requestModels).length > 0) {
    op.requestBody = {
      content: mapObject(method.requestModels, (model) => ({ schema: { $ref: `#/components/schemas/${model}` } })),
      required: true,
    }
  }
  if (method.methodResponses) op.responses = Object.fromEntries(method.methodResponses.map(methodResponse))
  if (method.apiKeyRequired) op.security = [{ api_key: [] }]
  if (method.requestValidator) op['x-amazon-apigateway-request-validator'] = method.requestValidator
  op['x-amazon-apigateway-integration'] = integration(method.integration, values)
  return op
}

/** `method.request.{header|querystring|path}.X` → OpenAPI parameters; every `{param}` of the path is one too. */
function methodParameters(path: string, requestParameters: Record<string, boolean>) {
  const where = { header: 'header', querystring: 'query', path: 'path' } as const
  const params: { name: string; in: string; required: boolean; schema: { type: 'string' } }[] = []
  const seen = new Set<string>()
  const add = (location: string, name: string, required: boolean) => {
    const key = `${location}:${location === 'header' ? name.toLowerCase() : name}`
    if (seen.has(key)) return
    seen.add(key)
    params.push({ name, in: location, required, schema: { type: 'string' } })
  }
  for (const [, name] of path.matchAll(/\{([^{}]+?)\+?\}/g)) add('path', name, true)
  for (const [expression, required] of Object.entries(requestParameters)) {
    const m = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(expression)
    if (m) add(where[m[1] as keyof typeof where], m[2], m[1] === 'path' ? true : required)
  }
  return params
}

function methodResponse(r: CaseMethodResponse): [string, Record<string, unknown>] {
  const { statusCode, responseParameters = {} } = typeof r === 'string' ? { statusCode: r } : r
  const out: Record<string, unknown> = { description: `${statusCode} response` }
  const headers = Object.keys(responseParameters).flatMap((p) => {
    const m = /^method\.response\.header\.(.+)$/.exec(p)
    return m ? [[m[1], { schema: { type: 'string' } }] as const] : []
  })
  if (headers.length > 0) out.headers = Object.fromEntries(headers)
  return [statusCode, out]
}

function integration(i: CaseIntegration, values: HarnessValues): Record<string, unknown> {
  const type = i.type.toUpperCase()
  const out: Record<string, unknown> = { type: type.toLowerCase() }
  if (i.integrationHttpMethod) out.httpMethod = i.integrationHttpMethod
  // AWS requires an integration method; the recording tests' helper sent POST unless told otherwise.
  else if (type === 'AWS' || type === 'AWS_PROXY') out.httpMethod = 'POST'
  let uri = i.uri
  // Cases recorded against httpbin sometimes leave the URI out; any path of the echo backend answers.
  if (uri === undefined && i.backend && (type === 'HTTP' || type === 'HTTP_PROXY')) uri = '<BACKEND>'
  // Lambda cases name the function by its backend id and leave the URI out.
  if (uri === undefined && i.backend && (type === 'AWS' || type === 'AWS_PROXY')) {
    uri = `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/arn:aws:lambda:<region>:<account>:function:${i.backend}/invocations`
  }
  if (uri !== undefined) {
    uri = fillTokens(uri, values, i.backend)
    // Harness backends speak plain HTTP on 127.0.0.1; the recordings reached their backends over TLS.
    if (i.backend && !uri.startsWith('arn:')) uri = uri.replace(/^https:\/\//i, 'http://')
    out.uri = uri
  }
  if (i.requestParameters) out.requestParameters = fillDeep(i.requestParameters, values)
  if (i.requestTemplates) out.requestTemplates = fillDeep(i.requestTemplates, values)
  if (i.passthroughBehavior) out.passthroughBehavior = i.passthroughBehavior.toLowerCase()
  if (i.contentHandling) out.contentHandling = i.contentHandling
  if (i.timeoutInMillis !== undefined) out.timeoutInMillis = i.timeoutInMillis
  if (i.integrationResponses) {
    out.responses = Object.fromEntries(
      i.integrationResponses.map((r) => {
        const response: Record<string, unknown> = { statusCode: r.statusCode }
        if (r.responseTemplates) response.responseTemplates = r.responseTemplates
        if (r.responseParameters) response.responseParameters = r.responseParameters
        if (r.contentHandling) response.contentHandling = r.contentHandling
        return [r.selectionPattern ? r.selectionPattern : 'default', response]
      }),
    )
  }
  return out
}

const usesApiKeys = (api: CaseApi) => api.resources.some((r) => r.methods.some((m) => m.apiKeyRequired))

/** AWS exports a model's `$ref` to another model as a local `#/components/schemas/<name>`. */
function rewriteModelRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteModelRefs)
  if (value === null || typeof value !== 'object') return value
  return mapObject(value as Record<string, unknown>, (v, k) => {
    const m = k === '$ref' && typeof v === 'string' ? modelRef.exec(v) : null
    return m ? `#/components/schemas/${m[1]}` : rewriteModelRefs(v)
  })
}

function fillDeep(value: unknown, values: HarnessValues): unknown {
  if (typeof value === 'string') return fillTokens(value, values)
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, values))
  if (value === null || typeof value !== 'object') return value
  return mapObject(value as Record<string, unknown>, (v) => fillDeep(v, values))
}

function mapObject<T, U>(o: Record<string, T>, f: (v: T, k: string) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v, k)]))
}
