type Path = readonly PropertyKey[]

/**
 * A copy of a document without the parts that failed its schema, so the rest can still be
 * checked and every error in a file is reported at once, not only the first part's.
 * Removes the value an issue points at, or, when that value is missing (a required key), the
 * object that lacks it. Returns undefined when what remains cannot be compiled: the document
 * itself, its `openapi` version or its `paths` would have to go.
 * @example
 * withoutInvalid({ openapi: '3.0.1', paths: {}, 'x-gateway': { stages: { dev: { variables: { x: 1 } } } } },
 *   [['x-gateway', 'stages', 'dev', 'variables', 'x']])
 * // → { openapi: '3.0.1', paths: {}, 'x-gateway': { stages: { dev: { variables: {} } } } }
 */
export function withoutInvalid(doc: unknown, invalid: readonly Path[]): Record<string, unknown> | undefined {
  const copy = structuredClone(doc) as Record<string, unknown>
  const dropFromArrays = new Map<unknown[], Set<number>>()
  for (const path of invalid) {
    const at = existingPrefix(copy, path)
    if (at.length === 0 || (at.length === 1 && (at[0] === 'openapi' || at[0] === 'paths'))) return undefined
    const parent = valueAt(copy, at.slice(0, -1)) as Record<PropertyKey, unknown> | unknown[]
    const key = at[at.length - 1]
    if (Array.isArray(parent)) dropFromArrays.set(parent, (dropFromArrays.get(parent) ?? new Set()).add(Number(key)))
    else delete parent[key]
  }
  // Array entries go last and highest index first, so the other paths' indices still hold.
  for (const [array, indices] of dropFromArrays) for (const i of [...indices].sort((a, b) => b - a)) array.splice(i, 1)
  return copy
}

/** The path to the value the issue means: the whole path if it exists, else up to the object missing the next key. */
function existingPrefix(root: unknown, path: Path): PropertyKey[] {
  let node = root
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, path[i])) return path.slice(0, i)
    node = (node as Record<PropertyKey, unknown>)[path[i]]
  }
  return [...path]
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root
  for (const key of path) node = (node as Record<PropertyKey, unknown>)[key]
  return node
}
