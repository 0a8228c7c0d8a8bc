import type { IntegrationResponse } from '../definitions/table'

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

const compiled = new WeakMap<IntegrationResponse, RegExp>()

/**
 * Picks the integration response whose selection pattern matches `value` (a status code,
 * or a Lambda error message), else the default one; undefined when neither exists.
 * A null value (a successful Lambda invocation) takes the default response only.
 */
export function selectIntegrationResponse(responses: IntegrationResponse[], value: string | null): IntegrationResponse | undefined {
  for (const r of responses) {
    if (r.selectionPattern === null) return r
    if (value === null) continue
    let re = compiled.get(r)
    if (!re) compiled.set(r, (re = toJavaRegExp(r.selectionPattern)))
    if (re.test(value)) return r
  }
  return undefined
}
