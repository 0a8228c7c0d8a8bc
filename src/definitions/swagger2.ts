import type { Path } from './document'

type Report = (path: Path, message: string) => void
type Json = Record<string, unknown>

/** Where a part of the OpenAPI 3 document came from in the file as written: `[converted prefix, original prefix]`. */
type Moves = [Path, Path][]

/**
 * A definition as compile reads it: OpenAPI 3.0 as it is, Swagger 2.0 (AWS's default export,
 * `get-export --export-type swagger`) converted as AWS's importer reads it, and `at` to report
 * every error against the file as written (`$.definitions.Pet`, not `$.components.schemas.Pet`).
 * Swagger 1.2, OpenAPI 3.1 and a file that is both are one error each, and nothing of them loads
 * (undefined).
 * @example const { value, at } = openApi3(parsed, report)! // value: OpenAPI 3.0, at(['components', 'schemas', 'Pet']) → ['definitions', 'Pet']
 */
export function openApi3(value: unknown, report: Report): { value: unknown; at: (path: Path) => Path } | undefined {
  const asIs = { value, at: (path: Path) => path }
  if (!isObject(value)) return asIs
  if ('swaggerVersion' in value) {
    report(['swaggerVersion'], 'Swagger 1.2 is not supported: convert the file to Swagger 2.0 or OpenAPI 3.0 (API Gateway imports those two)')
    return undefined
  }
  if (typeof value.openapi === 'string' && /^3\.[1-9]/.test(value.openapi)) {
    report(['openapi'], `OpenAPI ${value.openapi} is not supported: API Gateway imports OpenAPI 3.0.x and Swagger 2.0; write openapi: 3.0.1`)
    return undefined
  }
  if (!('swagger' in value)) return asIs
  if ('openapi' in value) {
    report(['swagger'], 'a file is Swagger 2.0 (swagger) or OpenAPI 3.0 (openapi), not both: remove one')
    return undefined
  }
  if (String(value.swagger) !== '2.0') {
    report(['swagger'], `Swagger ${String(value.swagger)} is not supported: API Gateway imports Swagger 2.0 and OpenAPI 3.0.x`)
    return undefined
  }
  const moves: Moves = []
  const problems: [Path, string][] = []
  const converted = convert(value, moves, problems)
  for (const [path, message] of problems) report(path, message)
  if (problems.length > 0) return undefined
  // Longest prefix first, so a part moved inside a moved part maps back through its own entry.
  moves.sort((a, b) => b[0].length - a[0].length)
  return { value: converted, at: (path) => originalPath(path, moves) }
}

function convert(doc: Json, moves: Moves, problems: [Path, string][]): Json {
  const { swagger: _version, basePath, host: _host, schemes: _schemes, consumes, produces, definitions, securityDefinitions, paths, ...rest } = doc
  const out: Json = { openapi: '3.0.1', ...rest }
  moves.push([['openapi'], ['swagger']])
  // AWS's export names the stage in basePath ("/dev"), as OpenAPI 3 exports do in servers' basePath variable.
  if (typeof basePath === 'string') {
    out.servers = [{ url: '/{basePath}', variables: { basePath: { default: basePath.replace(/^\/+/, '') } } }]
    moves.push([['servers'], ['basePath']])
  }
  const components: Json = {}
  if (isObject(definitions)) {
    components.schemas = rewriteRefs(definitions)
    moves.push([['components', 'schemas'], ['definitions']])
  }
  if (isObject(securityDefinitions)) {
    components.securitySchemes = securityDefinitions
    moves.push([['components', 'securitySchemes'], ['securityDefinitions']])
  }
  if (Object.keys(components).length > 0) out.components = components
  const types = { consumes: mediaTypes(consumes), produces: mediaTypes(produces) }
  if (isObject(paths)) {
    out.paths = Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, isObject(item) ? convertPathItem(['paths', path], item, types, moves, problems) : item]))
  }
  return out
}

function convertPathItem(at: Path, item: Json, types: MediaTypes, moves: Moves, problems: [Path, string][]): Json {
  const out: Json = {}
  for (const [key, op] of Object.entries(item)) {
    if (key === 'parameters' && Array.isArray(op)) out.parameters = keptParameters([...at, key], op, moves, problems).kept
    else out[key] = isObject(op) && key !== 'x-amazon-apigateway-integration' ? convertOperation([...at, key], op, types, moves, problems) : op
  }
  return out
}

interface MediaTypes {
  consumes: string[]
  produces: string[]
}

/** `in: body` becomes the requestBody, in each type the operation (else the API) consumes; `schema` of a response its content. */
function convertOperation(at: Path, op: Json, api: MediaTypes, moves: Moves, problems: [Path, string][]): Json {
  const { consumes, produces, parameters, responses, ...rest } = op
  const out: Json = rewriteRefs(rest) as Json
  const types = { consumes: mediaTypes(consumes, api.consumes), produces: mediaTypes(produces, api.produces) }
  if (Array.isArray(parameters)) {
    const { kept, body } = keptParameters([...at, 'parameters'], parameters, moves, problems)
    if (kept.length > 0) out.parameters = kept
    if (body) {
      out.requestBody = { content: Object.fromEntries(types.consumes.map((type) => [type, { schema: rewriteRefs(body.schema) }])), ...(body.required ? { required: true } : {}) }
      for (const type of types.consumes) moves.push([[...at, 'requestBody', 'content', type, 'schema'], [...at, 'parameters', body.index, 'schema']])
    }
  }
  if (isObject(responses)) {
    out.responses = Object.fromEntries(
      Object.entries(responses).map(([status, response]) => {
        if (!isObject(response)) return [status, response]
        const { schema, ...kept } = response
        return [status, schema === undefined ? kept : { ...kept, content: Object.fromEntries(types.produces.map((type) => [type, { schema: rewriteRefs(schema) }])) }]
      }),
    )
  }
  return out
}

/** The parameters OpenAPI 3 keeps (each mapped back to its own index), and the body parameter apart. */
function keptParameters(at: Path, parameters: unknown[], moves: Moves, problems: [Path, string][]) {
  const kept: unknown[] = []
  let body: { schema: unknown; required: boolean; index: number } | undefined
  parameters.forEach((p, index) => {
    const where = isObject(p) ? p.in : undefined
    if (where === 'body' && isObject(p)) body = { schema: p.schema, required: p.required === true, index }
    else if (where === 'formData') problems.push([[...at, index, 'in'], 'formData parameters are not imported by API Gateway; send the form as a body (in: body) and map it in a template'])
    else {
      moves.push([[...at, kept.length], [...at, index]])
      kept.push(p)
    }
  })
  return { kept, body }
}

const defaultMediaType = 'application/json'
const mediaTypes = (own: unknown, inherited: string[] = [defaultMediaType]): string[] =>
  Array.isArray(own) && own.length > 0 && own.every((t) => typeof t === 'string') ? own : inherited

/** `#/definitions/Pet` → `#/components/schemas/Pet`, wherever a `$ref` sits. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace(/^#\/definitions\//, '#/components/schemas/') : rewriteRefs(v)]),
  )
}

function originalPath(path: Path, moves: Moves): Path {
  for (const [from, to] of moves) {
    if (from.length <= path.length && from.every((part, i) => part === path[i])) return [...to, ...path.slice(from.length)]
  }
  return path
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
