import type { Method, RequestValidation } from './table'
import type { Document, Operation } from './schema'
import { compileModels, type ModelSource } from './models'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

const componentRef = /^#\/components\/schemas\/([^/]+)$/
const modelRefs = /"\$ref":"(?:#\/components\/schemas\/|https:\/\/apigateway\.amazonaws\.com\/restapis\/[^/]+\/models\/)([^/"#]+)/g

/**
 * Request validation in the definitions: `x-amazon-apigateway-request-validators`, the root
 * default `x-amazon-apigateway-request-validator` and each operation's own. Collects what each
 * method's validator checks while paths compile, then prepares the models those methods use.
 * @example
 * const validation = createValidationCompiler(doc, report, warn)
 * method.validation = validation.forMethod(method, op, at)
 * api.models = validation.models(api.id)
 */
export function createValidationCompiler(doc: Document, report: Report, warn: Report) {
  // HTTP APIs have no request validation on AWS: their validators are ignored, and said so once.
  const httpApi = doc['x-gateway']?.protocolType === 'HTTP'
  if (httpApi && doc['x-amazon-apigateway-request-validators']) {
    warn(['x-amazon-apigateway-request-validators'], 'HTTP APIs have no request validation (as on AWS): validators are ignored')
  }
  const validators = httpApi ? {} : (doc['x-amazon-apigateway-request-validators'] ?? {})
  const rootDefault = httpApi ? undefined : doc['x-amazon-apigateway-request-validator']
  if (rootDefault !== undefined && !Object.hasOwn(validators, rootDefault)) {
    report(['x-amazon-apigateway-request-validator'], unknownValidator(rootDefault, validators))
  }
  const components = doc.components?.schemas ?? {}
  const used = new Set<string>()
  const inline: ModelSource[] = []

  return {
    /** What this method's validator checks, or undefined when nothing (the method then pays nothing at run time). */
    forMethod(method: Method, op: Operation, at: Path): RequestValidation | undefined {
      if (httpApi) return undefined
      const own = op['x-amazon-apigateway-request-validator']
      const name = own ?? rootDefault
      if (name === undefined) return undefined
      const validator = Object.hasOwn(validators, name) ? validators[name] : undefined
      if (!validator) {
        if (own !== undefined) report([...at, 'x-amazon-apigateway-request-validator'], unknownValidator(own, validators))
        return undefined
      }
      const requiredParameters = validator.validateRequestParameters ? requiredOf(method, at, warn) : []
      const bodyModels = validator.validateRequestBody ? bodyModelsOf(method, op, at) : undefined
      if (requiredParameters.length === 0 && !bodyModels) return undefined
      return { requiredParameters, ...(bodyModels ? { bodyModels } : {}) }
    },

    /** The models the validating methods use (and those they reference), checked and ready for the table. */
    models(apiId: string): Record<string, unknown> | undefined {
      if (used.size === 0 && inline.length === 0) return undefined
      const sources: ModelSource[] = [...inline]
      const queue = [...used, ...inline.flatMap((s) => refsIn(s.schema))]
      const seen = new Set<string>()
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        if (seen.has(name) || !Object.hasOwn(components, name)) continue
        seen.add(name)
        sources.push({ name, schema: components[name], at: ['components', 'schemas', name] })
        queue.push(...refsIn(components[name]))
      }
      return compileModels(apiId, sources, report)
    },
  }

  function bodyModelsOf(method: Method, op: Operation, at: Path): Record<string, string> | undefined {
    const content = op.requestBody?.content
    if (!content || Object.keys(content).length === 0) return undefined
    const models: Record<string, string> = {}
    for (const [type, media] of Object.entries(content)) {
      const where = [...at, 'requestBody', 'content', type, 'schema']
      if (media.schema === undefined) continue
      const ref = (media.schema as { $ref?: unknown }).$ref
      const named = typeof ref === 'string' && Object.keys(media.schema as object).length === 1 ? componentRef.exec(ref) : null
      if (named) {
        const name = decodeURIComponent(named[1])
        if (!Object.hasOwn(components, name)) {
          report([...where, '$ref'], `$ref to a missing model "${name}" (no components.schemas["${name}"])`)
          continue
        }
        used.add(name)
        models[mediaKey(type)] = name
      } else {
        // An inline schema is a model of its own, named after where it is.
        const name = `${method.httpMethod} ${method.resourcePath} ${type}`
        inline.push({ name, schema: media.schema, at: where })
        models[mediaKey(type)] = name
      }
    }
    return Object.keys(models).length > 0 ? models : undefined
  }
}

/** Required parameters, sorted by their full `method.request.<location>.<name>` key as AWS lists them. */
function requiredOf(method: Method, at: Path, warn: Report): RequestValidation['requiredParameters'] {
  const keys = Object.keys(method.requestParameters).filter((k) => method.requestParameters[k]).sort()
  return keys.flatMap((key) => {
    const m = /^method\.request\.(header|path|querystring)\.(.+)$/.exec(key)
    if (!m) return []
    const [, location, name] = m as unknown as [string, 'header' | 'path' | 'querystring', string]
    if (location === 'path' && !method.resourcePath.includes(`{${name}}`) && !method.resourcePath.includes(`{${name}+}`)) {
      warn([...at, 'parameters'], `required path parameter "${name}" is not in the resource path ${method.resourcePath}: its validator refuses every request, as AWS does`)
    }
    return [{ location, name }]
  })
}

/** Media types compare without parameters and case (`Application/JSON; charset=utf-8` → `application/json`); `$default` stays. */
export const mediaKey = (type: string) => (type === '$default' ? type : type.split(';')[0].trim().toLowerCase())

const unknownValidator = (name: string, validators: Record<string, unknown>) => {
  const known = Object.keys(validators)
  return `unknown request validator "${name}" (${known.length > 0 ? `x-amazon-apigateway-request-validators has ${known.map((k) => `"${k}"`).join(', ')}` : 'no x-amazon-apigateway-request-validators defined'})`
}

const refsIn = (schema: unknown) => [...JSON.stringify(schema ?? null).matchAll(modelRefs)].map((m) => decodeURIComponent(m[1]))
