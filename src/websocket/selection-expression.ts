import type { SelectionExpression } from '../definitions/websocket-table'
import { evaluateJsonPath } from '../vtl'

const braced = /\$\{request\.body\.([^}]+)\}/y
const bare = /^\$request\.body\.(.+)$/
const jsonPathTail = /^[A-Za-z0-9_$@*\-.[\]'" ?()=<>!&|]+$/

/**
 * Splits a WebSocket selection expression (../shared/spec §9.1) into literal text and JSON paths
 * into the message body: `$request.body.action`, `${request.body.a}/${request.body.b}`, a static
 * `action`, or `\$default`. Anything else that starts with `$` is refused with the reason.
 * @example parseSelectionExpression('${request.body.service}/${request.body.action}')
 * // { parts: [{ path: 'service' }, '/', { path: 'action' }] }
 */
export function parseSelectionExpression(source: string): SelectionExpression | { error: string } {
  if (source === '\\$default' || source === '$default') return { parts: ['$default'] }
  const whole = bare.exec(source)
  if (whole) return jsonPathTail.test(whole[1]) ? { parts: [{ path: whole[1] }] } : { error: `"${whole[1]}" is not a JSON path` }
  const parts: SelectionExpression['parts'] = []
  let literal = ''
  for (let i = 0; i < source.length; ) {
    if (source[i] === '\\' && source[i + 1] === '$') {
      literal += '$'
      i += 2
      continue
    }
    if (source[i] !== '$') {
      literal += source[i++]
      continue
    }
    braced.lastIndex = i
    const m = braced.exec(source)
    if (!m || !jsonPathTail.test(m[1])) {
      return { error: `"${source.slice(i)}" is not a selection: use $request.body.NAME, \${request.body.NAME} or literal text (\\$ for a literal $)` }
    }
    if (literal) parts.push(literal)
    literal = ''
    parts.push({ path: m[1] })
    i += m[0].length
  }
  if (literal) parts.push(literal)
  return parts.length === 0 ? { error: 'is empty' } : { parts }
}

/** True when the expression reads nothing from the message. */
export const isStatic = (e: SelectionExpression) => e.parts.every((p) => typeof p === 'string')

/**
 * Evaluates a selection expression against one message, single-pass as AWS does: each JSON path's
 * value is stringified (a list as `[a, b]`), a missing one is `""`. A message that is not JSON
 * selects nothing (undefined), unless the expression is static.
 * @example evaluateSelection(expr, '{"action":"join"}') // 'join'
 */
export function evaluateSelection(e: SelectionExpression, body: string, parsed?: { value: unknown }): string | undefined {
  if (e.parts.length === 1 && typeof e.parts[0] === 'string') return e.parts[0]
  let doc: unknown
  if (parsed) doc = parsed.value
  else {
    try {
      doc = JSON.parse(body)
    } catch {
      return undefined
    }
  }
  if (doc === undefined) return undefined
  let out = ''
  for (const part of e.parts) out += typeof part === 'string' ? part : stringOf(evaluateJsonPath(doc, `$.${part.path}`))
  return out
}

/**
 * The message body as JSON, parsed once for every selection made on it: `{ value: undefined }`
 * when it is not JSON.
 */
export function parseMessage(body: string): { value: unknown } {
  try {
    return { value: JSON.parse(body) }
  } catch {
    return { value: undefined }
  }
}

function stringOf(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return `[${v.map(stringOf).join(', ')}]`
  return typeof v === 'object' ? JSON.stringify(v) : String(v)
}
