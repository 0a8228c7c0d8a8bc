import { TemplateSyntaxError } from './errors'

/** The `hash` jison attaches to its parse and lexical errors. */
interface JisonErrorHash {
  token?: string | number | null
  line?: number
  loc?: { first_line: number; first_column: number }
  expected?: string[]
}

/**
 * Turns an error thrown by velocityjs's jison parser into a {@link TemplateSyntaxError} with a 1-based
 * line and column. Parse errors carry their location; lexical errors (an unterminated string literal) only
 * carry the line and jison's excerpt, so the column is recovered by finding that excerpt in the source.
 *
 * @example
 * toSyntaxError(jisonError, source) // TemplateSyntaxError at line 2, column 11
 */
export function toSyntaxError(error: unknown, source: string): TemplateSyntaxError | undefined {
  const hash = (error as { hash?: JisonErrorHash } | null)?.hash
  if (!(error instanceof Error) || !hash) return undefined
  const lines = error.message.split('\n')
  if (hash.loc) {
    // jison reports the end of input as the token 'EOF' or as its number, 1.
    const got = hash.token === 'EOF' || hash.token === 1 ? 'the end of the template' : `'${hash.token}'`
    const options = hash.expected ?? []
    const expected = options.length ? `, expecting ${options.slice(0, 6).join(', ')}${options.length > 6 ? ', ...' : ''}` : ''
    return new TemplateSyntaxError(`unexpected ${got}${expected}`, hash.loc.first_line, hash.loc.first_column + 1)
  }
  const line = (hash.line ?? 0) + 1
  return new TemplateSyntaxError('unrecognized text (an unterminated string literal?)', line, lexicalColumn(source, line, lines[1] ?? '', lines[2] ?? ''))
}

/**
 * jison shows up to 20 characters before the error (prefixed `...` when cut) and 20 after, with newlines
 * removed, and a caret line whose dashes cover the part before. The error offset is where the source,
 * newlines removed, ends with the part before and continues with the part after.
 */
function lexicalColumn(source: string, line: number, excerpt: string, caret: string): number {
  const split = caret.indexOf('^')
  if (split < 0) return 1
  const before = excerpt.slice(0, split).replace(/^\.\.\./, '')
  const after = excerpt.slice(split).replace(/\.\.\.$/, '')
  let lineStart = 0
  for (let n = 1; n < line; n++) lineStart = source.indexOf('\n', lineStart) + 1
  const lineEnd = source.indexOf('\n', lineStart) < 0 ? source.length : source.indexOf('\n', lineStart)
  for (let at = lineStart; at <= lineEnd; at++) {
    const past = source.slice(Math.max(0, at - before.length - 40), at).replace(/\n/g, '')
    const next = source.slice(at, at + after.length + 40).replace(/\n/g, '')
    if (past.endsWith(before) && next.startsWith(after)) return at - lineStart + 1
  }
  return 1
}
