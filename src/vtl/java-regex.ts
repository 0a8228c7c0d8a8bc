import { TemplateRenderError } from './errors'

/** Templates reuse a handful of patterns on every request; compiling each once is the point of caching. */
const cache = new Map<string, RegExp>()
const CACHE_LIMIT = 256

/**
 * Compiles a `java.util.regex` pattern as a JS RegExp. The two syntaxes agree on everything templates
 * commonly use; the differences handled here are leading inline flags (`(?i)`) and `\Q...\E` quoting.
 * A pattern JS cannot express fails the render, as a `PatternSyntaxException` fails it in Velocity.
 * `wholeInput` anchors the pattern, for `String.matches()`.
 *
 * @example
 * javaRegExp('(?i)^abc$', 'g').test('ABC') // true
 */
export function javaRegExp(pattern: string, flags = '', wholeInput = false): RegExp {
  const key = `${wholeInput}/${flags}/${pattern}`
  const cached = cache.get(key)
  if (cached) {
    cached.lastIndex = 0
    return cached
  }
  let source = pattern.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  let allFlags = flags
  const inline = /^\(\?([imsux]+)\)/.exec(source)
  if (inline) {
    source = source.slice(inline[0].length)
    for (const flag of inline[1]) if ('ims'.includes(flag) && !allFlags.includes(flag)) allFlags += flag
  }
  if (wholeInput) source = `^(?:${source})$`
  let regExp: RegExp
  try {
    regExp = new RegExp(source, allFlags)
  } catch (error) {
    throw new TemplateRenderError(`invalid regular expression: ${pattern}`, { cause: error })
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, regExp)
  return regExp
}

/**
 * Rewrites a Java `Matcher.replaceAll` replacement (`$1`, `${name}`, `\$`) into JS replacement syntax.
 *
 * @example
 * javaReplacement('\\$$1') // '$$$1'
 */
export function javaReplacement(replacement: string): string {
  let out = ''
  for (let i = 0; i < replacement.length; i++) {
    const char = replacement[i]
    if (char === '\\') {
      i++
      if (i >= replacement.length) throw new TemplateRenderError('character to be escaped is missing in replacement')
      out += replacement[i] === '$' ? '$$' : replacement[i]
    } else if (char === '$') {
      const group = /^(\d+|\{[A-Za-z][A-Za-z0-9]*\})/.exec(replacement.slice(i + 1))
      if (!group) throw new TemplateRenderError(`illegal group reference in replacement: ${replacement}`)
      out += group[1].startsWith('{') ? `$<${group[1].slice(1, -1)}>` : `$${group[1]}`
      i += group[1].length
    } else {
      out += char
    }
  }
  return out
}

/**
 * Java's `String.split(regex, limit)`: no empty leading piece for a zero-width match at the start, and
 * with `limit` 0 trailing empty pieces are dropped.
 *
 * @example
 * javaSplit('a,b,,', ',', 0) // ['a', 'b']
 */
export function javaSplit(input: string, pattern: string, limit: number): string[] {
  const regExp = javaRegExp(pattern, 'g')
  const pieces: string[] = []
  let index = 0
  for (let match = regExp.exec(input); match; match = regExp.exec(input)) {
    if (match[0].length === 0) regExp.lastIndex++
    if (limit > 0 && pieces.length >= limit - 1) break
    if (match.index === 0 && match[0].length === 0) continue
    pieces.push(input.slice(index, match.index))
    index = match.index + match[0].length
  }
  if (index === 0 && pieces.length === 0) return [input]
  pieces.push(input.slice(index))
  if (limit === 0) while (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop()
  return pieces
}
