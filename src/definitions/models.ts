import { dereference, type Schema } from '@cfworker/json-schema'
import { modelUri } from './ids'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void

/** A model as written, and where: `components.schemas.X`, or a method's inline `requestBody` schema. */
export interface ModelSource {
  name: string
  schema: unknown
  at: Path
}

const types = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']
const schemaMaps = ['properties', 'patternProperties', 'definitions']
const schemaLists = ['allOf', 'anyOf', 'oneOf']
const counts = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties']
const modelRef = /^(?:#\/components\/schemas\/([^/]+)|https:\/\/apigateway\.amazonaws\.com\/restapis\/[^/]+\/models\/([^/#]+))(.*)$/

/**
 * Checks request models and prepares them for the route table: each must be a JSON Schema
 * draft 4 object (AWS's model language), and every `$ref` must reach a model. References to
 * models are rewritten to `modelUri(apiId, name)`, the id each model is registered under.
 * @example compileModels('pets', [{ name: 'Pet', schema, at: ['components', 'schemas', 'Pet'] }], report)
 */
export function compileModels(apiId: string, sources: ModelSource[], report: Report): Record<string, unknown> {
  const names = new Set(sources.map((s) => s.name))
  const models: Record<string, unknown> = {}
  for (const { name, schema, at } of sources) {
    // A model with problems is left out rather than half-prepared.
    let problems = 0
    const counted: Report = (path, message) => {
      problems++
      report(path, message)
    }
    checkSchema(schema, at, counted)
    checkModelRefs(schema, at, names, counted)
    if (problems === 0) models[name] = rewriteRefs(schema, apiId)
  }
  checkPointers(apiId, models, sources, report)
  return models
}

function checkSchema(value: unknown, at: Path, report: Report) {
  if (!isObject(value)) return report(at, 'a model is a JSON Schema (draft 4) object')
  const s = value as Record<string, unknown>
  if (s.type !== undefined) {
    const list = Array.isArray(s.type) ? s.type : [s.type]
    if (list.length === 0 || list.some((t) => typeof t !== 'string' || !types.includes(t))) {
      report([...at, 'type'], `must be one of ${types.join(', ')}, or a list of them`)
    }
  }
  for (const key of schemaMaps) {
    if (s[key] === undefined) continue
    if (!isObject(s[key])) report([...at, key], 'must be an object of schemas')
    else for (const [k, sub] of Object.entries(s[key])) checkSchema(sub, [...at, key, k], report)
  }
  if (isObject(s.patternProperties)) for (const k of Object.keys(s.patternProperties)) checkPattern(k, [...at, 'patternProperties', k], report)
  for (const key of schemaLists) {
    if (s[key] === undefined) continue
    if (!Array.isArray(s[key]) || s[key].length === 0) report([...at, key], 'must be a non-empty list of schemas')
    else s[key].forEach((sub, i) => checkSchema(sub, [...at, key, i], report))
  }
  if (s.not !== undefined) checkSchema(s.not, [...at, 'not'], report)
  if (Array.isArray(s.items)) s.items.forEach((sub, i) => checkSchema(sub, [...at, 'items', i], report))
  else if (s.items !== undefined) checkSchema(s.items, [...at, 'items'], report)
  for (const key of ['additionalItems', 'additionalProperties']) {
    if (s[key] !== undefined && typeof s[key] !== 'boolean') checkSchema(s[key], [...at, key], report)
  }
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.length > 0 && s.required.every((r) => typeof r === 'string'))) {
    report([...at, 'required'], 'must be a non-empty list of property names')
  }
  if (s.enum !== undefined && !(Array.isArray(s.enum) && s.enum.length > 0)) report([...at, 'enum'], 'must be a non-empty list')
  for (const key of ['minimum', 'maximum']) if (s[key] !== undefined && typeof s[key] !== 'number') report([...at, key], 'must be a number')
  for (const key of ['exclusiveMinimum', 'exclusiveMaximum']) {
    if (s[key] !== undefined && typeof s[key] !== 'boolean') report([...at, key], 'must be true or false in draft 4 (it qualifies minimum/maximum)')
  }
  if (s.multipleOf !== undefined && !(typeof s.multipleOf === 'number' && s.multipleOf > 0)) report([...at, 'multipleOf'], 'must be a number above 0')
  for (const key of counts) {
    if (s[key] !== undefined && !(Number.isInteger(s[key]) && (s[key] as number) >= 0)) report([...at, key], 'must be a whole number, 0 or more')
  }
  if (s.pattern !== undefined) {
    if (typeof s.pattern !== 'string') report([...at, 'pattern'], 'must be a regular expression')
    else checkPattern(s.pattern, [...at, 'pattern'], report)
  }
  if (isObject(s.dependencies)) {
    for (const [k, dep] of Object.entries(s.dependencies)) {
      if (Array.isArray(dep)) continue
      checkSchema(dep, [...at, 'dependencies', k], report)
    }
  }
  if (s.$ref !== undefined && typeof s.$ref !== 'string') report([...at, '$ref'], 'must be a reference such as #/components/schemas/Name')
}

// The validator compiles patterns as ECMAScript with the `u` flag: check them the same way.
function checkPattern(pattern: string, at: Path, report: Report) {
  try {
    new RegExp(pattern, 'u')
  } catch (e) {
    report(at, `is not a valid regular expression: ${(e as Error).message}`)
  }
}

/** Every `$ref` names an existing model, or points inside its own model (`#/definitions/x`). */
function checkModelRefs(value: unknown, at: Path, names: Set<string>, report: Report) {
  forEachRef(value, at, (ref, path) => {
    const m = modelRef.exec(ref)
    if (m) {
      const name = decodeURIComponent(m[1] ?? m[2])
      if (!names.has(name)) report(path, `$ref to a missing model "${name}" (no components.schemas["${name}"])`)
    } else if (!ref.startsWith('#')) {
      report(path, `$ref must name a model (#/components/schemas/Name) or a place in this schema (#/definitions/x), not "${ref}"`)
    }
  })
}

/** Refs that pass `checkModelRefs` may still point inside a model at nothing; the validator's own lookup tells. */
function checkPointers(apiId: string, models: Record<string, unknown>, sources: ModelSource[], report: Report) {
  const lookup: Record<string, Schema | boolean> = Object.create(null)
  const prepared = new Map<string, Schema>()
  for (const [name, model] of Object.entries(models)) {
    const schema = { ...(structuredClone(model) as Schema), $id: modelUri(apiId, name) }
    try {
      dereference(schema, lookup)
      prepared.set(name, schema)
    } catch (e) {
      report(sources.find((s) => s.name === name)!.at, `cannot be used as a model: ${(e as Error).message}`)
    }
  }
  for (const [name, schema] of prepared) {
    const source = sources.find((s) => s.name === name)!
    forEachRef(schema, source.at, (_, path, holder) => {
      const resolved = (holder as { __absolute_ref__?: string }).__absolute_ref__
      // Shown as written: the prepared copy has model references rewritten.
      const written = valueAt(source.schema, path.slice(source.at.length))
      if (resolved && lookup[resolved] === undefined) report(path, `$ref "${written}" points at no schema`)
    })
  }
}

const valueAt = (value: unknown, path: Path) => path.reduce<unknown>((v, key) => (v as Record<string | number, unknown> | undefined)?.[key], value)

/** Model references → `modelUri(apiId, name)` (+ the pointer inside that model, if any). */
function rewriteRefs(value: unknown, apiId: string, namesOnly = false): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, apiId))
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (namesOnly) {
      out[key] = rewriteRefs(v, apiId)
      continue
    }
    const m = key === '$ref' && typeof v === 'string' ? modelRef.exec(v) : null
    out[key] = m ? modelUri(apiId, decodeURIComponent(m[1] ?? m[2])) + pointerPart(m[3]) : isData(key) ? v : rewriteRefs(v, apiId, namesKeyword(key))
  }
  return out
}

const pointerPart = (rest: string) => (rest === '' ? '' : rest.startsWith('#') ? rest : `#${rest}`)

/** Calls `visit` for each `$ref` in schema positions (not inside `enum`, `default` or examples, which are data). */
function forEachRef(value: unknown, at: Path, visit: (ref: string, path: Path, holder: object) => void, namesOnly = false) {
  if (Array.isArray(value)) return value.forEach((v, i) => forEachRef(v, [...at, i], visit))
  if (!isObject(value)) return
  for (const [key, v] of Object.entries(value)) {
    if (namesOnly) forEachRef(v, [...at, key], visit)
    else if (key === '$ref' && typeof v === 'string') visit(v, [...at, key], value)
    else if (!isData(key)) forEachRef(v, [...at, key], visit, namesKeyword(key))
  }
}

/** Keywords whose keys are property or definition names, never keywords (a property may be called `enum`). */
const namesKeyword = (key: string) => key === 'properties' || key === 'patternProperties' || key === 'definitions' || key === 'dependencies'
const isData = (key: string) => key === 'enum' || key === 'default' || key === 'example' || key === 'examples' || key === 'const'
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
