import { failsWhenUsed } from './compile-failure'

/**
 * Java regex → JS RegExp, matched in full (AWS's `2\d{2}` must not accept `2000`).
 * `(?s)` makes `.` cross newlines, as Lambda error messages often span lines.
 * @example toJavaRegExp('4\\d{2}').test('404') // true
 */
export function toJavaRegExp(pattern: string): RegExp {
  checkRepetitions(pattern)
  return new RegExp(`^(?:${pattern})$`, 's')
}

/** Java refuses a `{` that does not open a quantifier ("Illegal repetition"); JS would take it literally. */
function checkRepetitions(pattern: string) {
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') i++
    else if (c === '[') inClass = true
    else if (c === ']') inClass = false
    else if (c === '{' && !inClass && !/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      throw new SyntaxError(`Illegal repetition near index ${i}`)
    }
  }
}

/** A compiled selection pattern: `test` as a full match. */
export interface SelectionPattern {
  test(value: string): boolean
}

/**
 * A selection pattern compiled once, with the integration; null is the default response. A
 * pattern Java would refuse (the build reports it) fails its method with a 500 when reached.
 * @example compileSelectionPattern('4\\d{2}')?.test('404') // true
 */
export function compileSelectionPattern(pattern: string | null): SelectionPattern | null {
  if (pattern === null) return null
  try {
    return toJavaRegExp(pattern)
  } catch (e) {
    return { test: failsWhenUsed('selection pattern', e) }
  }
}

/**
 * Picks the integration response whose selection pattern matches `value` (a status code,
 * or a Lambda error message), else the default one; undefined when neither exists.
 * A null value (a successful Lambda invocation) takes the default response only.
 * @example selectIntegrationResponse(plan.responses, '404')
 */
export function selectIntegrationResponse<R extends { pattern: SelectionPattern | null }>(responses: R[], value: string | null): R | undefined {
  for (const r of responses) {
    if (r.pattern === null) return r
    if (value === null) continue
    if (r.pattern.test(value)) return r
  }
  return undefined
}
