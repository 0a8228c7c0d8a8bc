/** A resource path template such as `/pets/{petId}/{proxy+}`, split into typed segments. */
export type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string }

const paramName = /^[A-Za-z0-9._$-]+$/
// RFC 3986 pchar, minus the braces templates use.
const literal = /^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/

/** Parses a template; returns the segments or the reason it is not a valid AWS resource path. */
export function parsePathTemplate(path: string): { segments: Segment[] } | { error: string } {
  if (path === '/') return { segments: [] }
  if (!path.startsWith('/')) return { error: 'a resource path starts with /' }
  if (path.endsWith('/')) return { error: 'a resource path does not end with /' }
  const parts = path.slice(1).split('/')
  const segments: Segment[] = []
  for (const [i, part] of parts.entries()) {
    if (part === '') return { error: 'a resource path has no empty segments (//)' }
    const m = /^\{([^{}]+)\}$/.exec(part)
    if (m) {
      const greedy = m[1].endsWith('+')
      const name = greedy ? m[1].slice(0, -1) : m[1]
      if (!paramName.test(name)) return { error: `path parameter name "${name}" may use only letters, digits and ._$-` }
      if (greedy && i !== parts.length - 1) return { error: `greedy path parameter {${name}+} must be the last segment` }
      segments.push(greedy ? { kind: 'greedy', name } : { kind: 'param', name })
    } else if (literal.test(part)) {
      segments.push({ kind: 'literal', value: part })
    } else {
      return { error: `segment "${part}" has characters a resource path cannot use` }
    }
  }
  return { segments }
}

/** Two templates with the same shape are the same route (`/pets/{id}` and `/pets/{petId}`). */
export const routeShape = (segments: Segment[]) =>
  '/' + segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '{}' : '{+}')).join('/')

export const pathParamNames = (segments: Segment[]) =>
  segments.flatMap((s) => (s.kind === 'literal' ? [] : [s.name]))
