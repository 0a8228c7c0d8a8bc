import type { Method, Resource } from '../definitions/table'
import { parsePathTemplate, type Segment } from '../definitions/paths'

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
      return walk(root, splitPath(rawPath), 0, httpMethod, {})
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

interface PathSegment {
  value: string
  /** Offset in the raw path, so a greedy parameter captures the rest as received. */
  start: number
}

/** Empty segments (`//`) do not count for matching; a greedy capture keeps them. */
function splitPath(raw: string): { raw: string; segments: PathSegment[] } {
  const segments: PathSegment[] = []
  let start = 0
  for (let i = 0; i <= raw.length; i++) {
    if (i === raw.length || raw.charCodeAt(i) === 47 /* / */) {
      if (i > start) segments.push({ value: raw.slice(start, i), start })
      start = i + 1
    }
  }
  return { raw, segments }
}

const methodOf = (r: Resource | undefined, verb: string) => r && (r.methods[verb] ?? r.methods.ANY)

/**
 * Depth-first in AWS's precedence: literal, then `{param}`, then `{greedy+}`; the first resource
 * on that order that has the method (or ANY) wins, so a literal resource without the method
 * falls back to a greedy sibling that has it.
 */
function walk(
  node: Node,
  path: { raw: string; segments: PathSegment[] },
  i: number,
  verb: string,
  params: Record<string, string>,
): RouteMatch | undefined {
  if (i === path.segments.length) {
    const method = methodOf(node.resource, verb)
    return method && { method, pathParameters: params }
  }
  const seg = path.segments[i]
  const literal = node.literals.get(safeDecode(seg.value))
  const viaLiteral = literal && walk(literal, path, i + 1, verb, params)
  if (viaLiteral) return viaLiteral
  if (node.param) {
    const found = walk(node.param.node, path, i + 1, verb, { ...params, [node.param.name]: seg.value })
    if (found) return found
  }
  if (node.greedy) {
    const method = methodOf(node.greedy.resource, verb)
    if (method) {
      const rest = path.raw.slice(seg.start).replace(/\/+$/, '')
      return { method, pathParameters: { ...params, [node.greedy.name]: rest } }
    }
  }
  return undefined
}

function safeDecode(s: string): string {
  if (!s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
