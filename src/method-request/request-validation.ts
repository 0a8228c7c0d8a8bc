import { dereference, validate, type OutputUnit, type Schema } from '@cfworker/json-schema'
import type { Api, RequestValidation, RouteTable } from '../definitions/table'
import { clientHeader, queryOf, type Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { modelUri } from '../definitions/ids'
import { mediaTypeOf } from '../integration/request-template'
import { methodRequestBody } from './payload'

/**
 * Request validation (../shared/spec §0 step 5), for methods whose validator checks something:
 * required parameters first, then the body against the model for its Content-Type. Every API's
 * models are dereferenced here, once per route table; the returned step only walks them. It
 * returns undefined when nothing needs waiting for (no body model applies).
 * @example
 * const validateRequest = createRequestValidator(table)
 * if (inv.method!.validation) await validateRequest(inv) // after throttling and the API key, as AWS orders them
 */
export function createRequestValidator(table: RouteTable) {
  const models = new Map(table.apis.map((api) => [api, prepareModels(api)]))

  return function validateRequest(inv: Invocation): Promise<void> | undefined {
    const checks = inv.method!.validation!
    if (checks.requiredParameters.length > 0) checkParameters(inv, checks.requiredParameters)
    if (!checks.bodyModels) return undefined
    // No Content-Type counts as JSON, as for templates; a type without a model falls back to `$default`, else is not checked.
    const type = mediaTypeOf(inv.headers['content-type'] ?? null)
    // Own keys only: the Content-Type is the client's (`constructor` must not reach the prototype).
    const name = Object.hasOwn(checks.bodyModels, type) ? checks.bodyModels[type] : checks.bodyModels.$default
    return name === undefined ? undefined : checkBody(inv, models.get(inv.api)!, name)
  }
}

/** Present and not blank, as AWS checks; all missing names in one message. */
function checkParameters(inv: Invocation, required: RequestValidation['requiredParameters']) {
  let missing: string[] | undefined
  for (const { location, name } of required) {
    const present =
      location === 'header'
        ? (clientHeader(inv, name) ?? '').trim() !== ''
        : location === 'querystring'
          ? queryOf(inv).getAll(name).some((v) => v !== '')
          : !!inv.pathParameters[name]
    if (!present) (missing ??= []).push(name)
  }
  if (missing) throw new GatewayError('BAD_REQUEST_PARAMETERS', { message: `Missing required request parameters: [${missing.join(', ')}]` })
}

async function checkBody(inv: Invocation, { lookup, schemas }: PreparedModels, modelName: string): Promise<void> {
  const bytes = await methodRequestBody(inv)
  const text = decoder.decode(bytes)
  let instance: unknown
  try {
    // An absent body is validated as an empty object (recorded: GET without a body fails a model with required members).
    instance = text.trim() === '' ? {} : JSON.parse(text)
  } catch (e) {
    throw new GatewayError('BAD_REQUEST_BODY', { validationErrorString: `[Invalid JSON: ${(e as Error).message}]` })
  }
  const result = validate(instance, schemas.get(modelName)!, '4', lookup, true)
  if (!result.valid) throw new GatewayError('BAD_REQUEST_BODY', { validationErrorString: describe(result.errors) })
}

interface PreparedModels {
  lookup: Record<string, Schema | boolean>
  schemas: Map<string, Schema>
}

/** An API's models, each with its `$id`, dereferenced into one lookup that `$ref`s resolve in. */
function prepareModels(api: Api): PreparedModels {
  const lookup: Record<string, Schema | boolean> = Object.create(null)
  const schemas = new Map<string, Schema>()
  for (const [name, model] of Object.entries(api.models ?? {})) {
    const schema = { ...(structuredClone(model) as Schema), $id: modelUri(api.id, name) }
    dereference(schema, lookup)
    schemas.set(name, schema)
  }
  return { lookup, schemas }
}

/** `$context.error.validationErrorString`: the failing keywords, innermost first (AWS's wording differs). */
function describe(errors: OutputUnit[]): string {
  const leaves = errors.filter((e) => !wrapperError.test(e.error))
  const shown = (leaves.length > 0 ? leaves : errors).reverse().slice(0, 5)
  return `[${shown.map((e) => `${e.instanceLocation}: ${e.error}`).join(', ')}]`
}

// cfworker's errors that only say a nested schema failed; the nested error says why.
const wrapperError = /^(A subschema had errors|Property ".*" does not match schema|Items did not match schema)\.$/
const decoder = new TextDecoder()
