import type { Method, Resource } from '../definitions/table'
import { parsePathTemplate, type Segment } from '../definitions/paths'
import { decodeSegment } from './decode-segment'
import { clientKeyed } from '../client-keyed'

interface Node {
  literals: Map<string, Node>
  param?: { name: string; node: Node }
  greedy?: { name: string; resource: Resource }
  resource?: Resource
}

export interface RouteMatch {
  method: Method
  pathParameters: Record<string, string>
}

const newNode = (): Node => ({ literals: new Map() })

/**
 * Builds AWS's resource tree once; `match` then walks it per request.
 * @example
 * const router = createResourceRouter(api.resources)
 * router.match('GET', '/pets/42') // { method, pathParameters: { petId: '42' } }
 */
export function createResourceRouter(resources: Resource[]) {
  const root = newNode()
  for (const resource of resources) {
    const parsed = parsePathTemplate(resource.path)
    if ('error' in parsed) continue // the compiler has already refused it
    insert(root, parsed.segments, resource)
  }
  return {
    /** Matches a raw path (after the stage); undefined is AWS's 403 Missing Authentication Token. */
    match(httpMethod: string, rawPath: string): RouteMatch | undefined {
      if (!awsMethods.has(httpMethod)) return undefined
      return walk(root, rawPath, 0, httpMethod, noParameters)
    },
  }
}

function insert(node: Node, segments: Segment[], resource: Resource) {
  for (const s of segments) {
    if (s.kind === 'literal') {
      let next = node.literals.get(s.value)
      if (!next) node.literals.set(s.value, (next = newNode()))
      node = next
    } else if (s.kind === 'param') {
      node.param ??= { name: s.name, node: newNode() }
      node = node.param.node
    } else {
      node.greedy = { name: s.name, resource }
      return
    }
  }
  node.resource = resource
}

/**
 * The methods API Gateway serves, and all that `ANY` stands for. Any other (`TRACE`, `PROPFIND`,
 * a lower-case `get`) never reaches a resource: no route, as for an unknown path, so REST answers
 * 403 Missing Authentication Token and HTTP APIs 404 (AWS's answer is unrecorded; this one forwards nothing).
 */
export const awsMethods = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])

const noParameters: Record<string, string> = Object.freeze({}) as Record<string, string>
const SLASH = 47

const methodOf = (r: Resource | undefined, verb: string) => r && (r.methods[verb] ?? r.methods.ANY)

/**
 * Depth-first in AWS's precedence: literal, then `{param}`, then `{greedy+}`; the first resource
 * on that order that has the method (or ANY) wins, so a literal resource without the method
 * falls back to a greedy sibling that has it. Segments are read from the raw path by offset:
 * empty ones (`//`) do not count for matching, and a greedy capture keeps them as received.
 */
function walk(node: Node, raw: string, from: number, verb: string, params: Record<string, string>): RouteMatch | undefined {
  let start = from
  while (start < raw.length && raw.charCodeAt(start) === SLASH) start++
  if (start === raw.length) {
    const method = methodOf(node.resource, verb)
    return method && { method, pathParameters: params === noParameters ? {} : params }
  }
  let end = raw.indexOf('/', start)
  if (end === -1) end = raw.length
  const segment = raw.slice(start, end)
  const literal = node.literals.get(decodeSegment(segment))
  const viaLiteral = literal && walk(literal, raw, end, verb, params)
  if (viaLiteral) return viaLiteral
  if (node.param) {
    const found = walk(node.param.node, raw, end, verb, withParameter(params, node.param.name, segment))
    if (found) return found
  }
  if (node.greedy) {
    const method = methodOf(node.greedy.resource, verb)
    if (method) return { method, pathParameters: withParameter(params, node.greedy.name, withoutTrailingSlashes(raw, start)) }
  }
  return undefined
}

/**
 * `params` plus one more, as a new record: `params` stays as it was for the sibling branches
 * still to try. Assigned rather than spread with a computed key (measured: ~10× cheaper), into a
 * record where a parameter named `__proto__` is a plain key.
 */
function withParameter(params: Record<string, string>, name: string, value: string): Record<string, string> {
  const next = params === noParameters ? clientKeyed<string>() : Object.assign(clientKeyed<string>(), params)
  next[name] = value
  return next
}

function withoutTrailingSlashes(raw: string, start: number): string {
  let end = raw.length
  while (end > start && raw.charCodeAt(end - 1) === SLASH) end--
  return raw.slice(start, end)
}
