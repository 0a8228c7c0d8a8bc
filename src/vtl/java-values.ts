import { TemplateRenderError } from './errors'

/**
 * Values inside a template follow AWS's Java object model: JSON objects are `LinkedHashMap`s (rendered
 * `{a=b}`), JSON arrays are json-smart `JSONArray`s (rendered as compact JSON), and lists the template builds
 * itself (`[1, 2]`, ranges, `keySet()`) are `ArrayList`s (rendered `[1, 2]`). Plain JS objects and arrays
 * stand for the first two; template-built lists are remembered here.
 */
const javaLists = new WeakSet<unknown[]>()

/**
 * Marks a list as a Java `ArrayList`, which renders `[a, b]` rather than as JSON.
 *
 * @example
 * javaString(markJavaList(['a', 'b'])) // '[a, b]' (unmarked: '["a","b"]')
 */
export function markJavaList<T>(list: T[]): T[] {
  javaLists.add(list)
  return list
}

export type JavaMap = Record<string, unknown>

const caseInsensitiveMaps = new WeakSet<object>()

/**
 * Marks a map whose lookups (`get`, `containsKey`, `.name`, `[name]`) ignore the case of the key, as
 * HTTP header names do; iterating it (`keySet()`, `#foreach`, rendering) keeps its keys as they are.
 *
 * @example
 * mapKey(markCaseInsensitive({ 'X-Custom': 'a' }), 'x-custom') // 'X-Custom'
 */
export function markCaseInsensitive<T extends JavaMap>(map: T): T {
  caseInsensitiveMaps.add(map)
  return map
}

/**
 * The key under which a lookup of `key` finds its entry: `key` itself, or in a case-insensitive map the
 * same name in another case; undefined when the map has none.
 *
 * @example
 * mapKey({ a: 1 }, 'a') // 'a'
 */
export function mapKey(map: JavaMap, key: string): string | undefined {
  if (Object.hasOwn(map, key)) return key
  if (!caseInsensitiveMaps.has(map)) return undefined
  const lower = key.toLowerCase()
  return Object.keys(map).find((candidate) => candidate.toLowerCase() === lower)
}

/**
 * Whether a value stands for a Java Map: a plain object, not a list or an engine-provided object.
 *
 * @example
 * isMap(JSON.parse('{"a":1}')) // true
 */
export function isMap(value: unknown): value is JavaMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** An object the engine provides ($input, $util, map entries): properties and methods are explicit. */
export abstract class HostObject {
  abstract vtlProperty(name: string): unknown
  abstract vtlCall(name: string, args: unknown[]): unknown
  toString(): string {
    return ''
  }
}

/**
 * How Velocity writes a value into the output. A null or missing value renders as nothing: AWS runs
 * Velocity quietly, so `$missing` and `$a.missing` never echo their own source text.
 *
 * @example
 * javaString({ a: 'b', list: [1] }) // '{a=b, list=[1]}'
 */
export function javaString(value: unknown): string {
  return value === null || value === undefined ? '' : javaToString(value)
}

/**
 * `String.valueOf(value)`: like {@link javaString}, but null is `null`, as inside a collection.
 *
 * @example
 * javaToString({ a: null }) // '{a=null}'
 */
export function javaToString(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    if (javaLists.has(value)) return `[${value.map(javaToString).join(', ')}]`
    return jsonText(value)
  }
  if (isMap(value)) {
    return `{${Object.entries(value)
      .map(([key, entry]) => `${key}=${javaToString(entry)}`)
      .join(', ')}}`
  }
  return String(value)
}

/**
 * Compact JSON, as json-smart writes a `JSONArray` or as `$input.json()` returns a value.
 *
 * @example
 * jsonText([{ foo: 'bar' }]) // '[{"foo":"bar"}]'
 */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null'
  } catch (error) {
    throw new TemplateRenderError('a list that contains itself cannot be rendered', { cause: error })
  }
}

/**
 * Velocity 1.7's truth test: only null and `false` are false; `""`, `0` and empty lists are true.
 *
 * @example
 * javaTruthy('') // true
 */
export function javaTruthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false
}

/**
 * Velocity's `==`: numbers compare by value, values of one kind with `equals()`, values of different kinds
 * by their `toString()`. AWS adds one rule, recorded in the conformance corpus: null equals both `$null`
 * and `""`.
 *
 * @example
 * javaEquals(null, '') // true
 * javaEquals('1', 1) // true
 */
export function javaEquals(left: unknown, right: unknown): boolean {
  const leftNull = left === null || left === undefined
  const rightNull = right === null || right === undefined
  if (leftNull || rightNull) return (leftNull || left === '') && (rightNull || right === '')
  if (kind(left) === kind(right)) return sameValue(left, right)
  return javaToString(left) === javaToString(right)
}

/**
 * Java's `Object.equals()`: no conversion between kinds; lists and maps compare element by element.
 *
 * @example
 * sameValue({ a: [1] }, { a: [1] }) // true
 */
export function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true
  if (left === null || left === undefined || right === null || right === undefined) return false
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, i) => sameValue(item, right[i]))
  }
  if (isMap(left) && isMap(right)) {
    const keys = Object.keys(left)
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && sameValue(left[key], right[key]))
    )
  }
  return false
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return 'list'
  if (isMap(value)) return 'map'
  return typeof value
}
