import { TemplateRenderError } from './errors'
import { javaRegExp, javaReplacement, javaSplit } from './java-regex'
import { HostObject, isMap, javaString, javaToString, mapKey, markJavaList, sameValue, type JavaMap } from './java-values'
import { LIMITS } from './limits'

type Method<T> = (self: T, args: unknown[]) => unknown

/** A `Map.Entry`, as `entrySet()` returns it: `$e.key`, `$e.getValue()`, rendered `key=value`. */
class MapEntry extends HostObject {
  constructor(
    readonly key: string,
    readonly value: unknown,
  ) {
    super()
  }
  vtlProperty(name: string): unknown {
    return name === 'key' ? this.key : name === 'value' ? this.value : undefined
  }
  vtlCall(name: string): unknown {
    return name === 'getKey' ? this.key : name === 'getValue' ? this.value : name === 'toString' ? this.toString() : undefined
  }
  override toString(): string {
    return `${this.key}=${javaToString(this.value)}`
  }
}

// Java would find no `contains(Integer)`; converting arguments to text instead is deliberate leniency,
// so a template that passes a number where a String is expected still renders something sensible.
const text = (value: unknown): string => javaString(value)
const int = (value: unknown): number => Math.trunc(Number(value))

function outOfBounds(what: string, index: number): never {
  throw new TemplateRenderError(`${what} index out of range: ${index}`)
}

function substring(s: string, begin: number, end: number): string {
  if (begin < 0 || end > s.length || begin > end) outOfBounds('String', begin < 0 ? begin : end)
  return s.slice(begin, end)
}

const STRING_METHODS: Record<string, Method<string>> = {
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  contains: (s, [part]) => s.includes(text(part)),
  startsWith: (s, [prefix, offset]) => s.startsWith(text(prefix), offset === undefined ? 0 : int(offset)),
  endsWith: (s, [suffix]) => s.endsWith(text(suffix)),
  indexOf: (s, [part, from]) => s.indexOf(text(part), from === undefined ? 0 : int(from)),
  lastIndexOf: (s, [part, from]) => s.lastIndexOf(text(part), from === undefined ? Infinity : int(from)),
  substring: (s, [begin, end]) => substring(s, int(begin), end === undefined ? s.length : int(end)),
  charAt: (s, [index]) => substring(s, int(index), int(index) + 1),
  toLowerCase: (s) => s.toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
  trim: (s) => s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, ''),
  concat: (s, [tail]) => s + text(tail),
  equals: (s, [other]) => s === other,
  equalsIgnoreCase: (s, [other]) => typeof other === 'string' && s.toLowerCase() === other.toLowerCase(),
  replace: (s, [target, replacement]) => s.split(text(target)).join(text(replacement)),
  replaceAll: (s, [regex, replacement]) => s.replace(javaRegExp(text(regex), 'g'), javaReplacement(text(replacement))),
  replaceFirst: (s, [regex, replacement]) => s.replace(javaRegExp(text(regex)), javaReplacement(text(replacement))),
  matches: (s, [regex]) => javaRegExp(text(regex), '', true).test(s),
  split: (s, [regex, limit]) => markJavaList(javaSplit(s, text(regex), limit === undefined ? 0 : int(limit))),
  hashCode: (s) => {
    let hash = 0
    for (let i = 0; i < s.length; i++) hash = (Math.imul(hash, 31) + s.charCodeAt(i)) | 0
    return hash
  },
  toString: (s: string) => s,
}

function listIndex(list: unknown[], index: unknown, size = list.length): number {
  const i = int(index)
  if (!(i >= 0 && i < size)) outOfBounds('List', i)
  return i
}

const LIST_METHODS: Record<string, Method<unknown[]>> = {
  size: (list) => list.length,
  isEmpty: (list) => list.length === 0,
  get: (list, [index]) => list[listIndex(list, index)],
  contains: (list, [item]) => list.some((entry) => sameValue(entry, item)),
  indexOf: (list, [item]) => list.findIndex((entry) => sameValue(entry, item)),
  add: (list, args) => {
    if (args.length > 1) list.splice(listIndex(list, args[0], list.length + 1), 0, args[1])
    else list.push(args[0])
    return args.length > 1 ? undefined : true
  },
  addAll: (list, [items]) => {
    if (!Array.isArray(items)) return false
    list.push(...items)
    return items.length > 0
  },
  set: (list, [index, item]) => list.splice(listIndex(list, index), 1, item)[0],
  // Velocity picks remove(int) for a number and remove(Object) otherwise, like javac would.
  remove: (list, [target]) => {
    if (typeof target === 'number') return list.splice(listIndex(list, target), 1)[0]
    const found = list.findIndex((entry) => sameValue(entry, target))
    if (found >= 0) list.splice(found, 1)
    return found >= 0
  },
  clear: (list) => void list.splice(0),
  subList: (list, [from, to]) => markJavaList(list.slice(listIndex(list, from, list.length + 1), listIndex(list, to, list.length + 1))),
  equals: (list, [other]) => sameValue(list, other),
  toString: (list: unknown[]) => javaToString(list),
}

function previous(map: JavaMap, key: string): unknown {
  const found = mapKey(map, key)
  return found === undefined ? undefined : map[found]
}

const MAP_METHODS: Record<string, Method<JavaMap>> = {
  get: (map, [key]) => previous(map, text(key)),
  getOrDefault: (map, [key, fallback]) => {
    const found = mapKey(map, text(key))
    return found === undefined ? fallback : map[found]
  },
  containsKey: (map, [key]) => mapKey(map, text(key)) !== undefined,
  containsValue: (map, [value]) => Object.values(map).some((entry) => sameValue(entry, value)),
  put: (map, [key, value]) => {
    const found = mapKey(map, text(key))
    const old = found === undefined ? undefined : map[found]
    map[found ?? text(key)] = value
    return old
  },
  putAll: (map, [other]) => void (isMap(other) && Object.assign(map, other)),
  remove: (map, [key]) => {
    const found = mapKey(map, text(key))
    if (found === undefined) return undefined
    const old = map[found]
    delete map[found]
    return old
  },
  clear: (map) => Object.keys(map).forEach((key) => delete map[key]),
  keySet: (map) => markJavaList(Object.keys(map)),
  values: (map) => markJavaList(Object.values(map)),
  entrySet: (map) => markJavaList(Object.entries(map).map(([key, value]) => new MapEntry(key, value))),
  size: (map) => Object.keys(map).length,
  isEmpty: (map) => Object.keys(map).length === 0,
  equals: (map, [other]) => sameValue(map, other),
  toString: (map: JavaMap) => javaToString(map),
}

const SCALAR_METHODS: Record<string, Method<number | boolean>> = {
  toString: (value: number | boolean) => javaToString(value),
  equals: (value, [other]) => value === other,
  intValue: (value) => Math.trunc(Number(value)),
  longValue: (value) => Math.trunc(Number(value)),
  doubleValue: (value) => Number(value),
  booleanValue: (value) => value === true,
}

// Own properties only: a template must not reach `constructor` or anything else on Object.prototype.
function lookup<T>(table: Record<string, Method<T>>, name: string): Method<T> | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined
}

/**
 * Calls a Java method on a template value: `$s.replaceAll(...)`, `$map.keySet()`, `$list.get(0)`. A method
 * the value's Java class does not have yields null, as in Velocity.
 *
 * @example
 * callJavaMethod('a-b-c', 'split', ['-']) // ['a', 'b', 'c'] (a Java list)
 */
export function callJavaMethod(target: unknown, name: string, args: unknown[]): unknown {
  let result: unknown
  if (target instanceof HostObject) result = target.vtlCall(name, args)
  else if (typeof target === 'string') result = lookup(STRING_METHODS, name)?.(target, args)
  else if (Array.isArray(target)) result = lookup(LIST_METHODS, name)?.(target, args)
  else if (isMap(target)) result = lookup(MAP_METHODS, name)?.(target, args)
  else if (typeof target === 'number' || typeof target === 'boolean') result = lookup(SCALAR_METHODS, name)?.(target, args)
  if (typeof result === 'string' && result.length > LIMITS.outputBytes) {
    throw new TemplateRenderError(`a string grew beyond the ${LIMITS.outputBytes}-byte payload limit`)
  }
  return result
}

/**
 * Velocity's `$value.name`: a map entry, or a property the engine exposes ($input.body). Strings and lists
 * have no properties, so `$input.body.anything` is null, as AWS records.
 *
 * @example
 * javaProperty({ a: 1 }, 'a') // 1
 */
export function javaProperty(target: unknown, name: string): unknown {
  if (target instanceof HostObject) return target.vtlProperty(name)
  if (isMap(target)) return previous(target, name)
  return undefined
}

/**
 * Velocity 1.7's `$value[key]`: `get(key)` on a map or list; a negative list index counts from the end,
 * and an index outside the list throws, as `List.get` does.
 *
 * @example
 * javaIndex(['a', 'b'], -1) // 'b'
 */
export function javaIndex(target: unknown, key: unknown): unknown {
  if (Array.isArray(target)) {
    if (typeof key !== 'number') return undefined
    return target[listIndex(target, key < 0 ? key + target.length : key)]
  }
  if (isMap(target)) return previous(target, javaString(key))
  return undefined
}
