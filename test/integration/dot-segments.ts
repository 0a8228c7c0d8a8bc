/**
 * Every spelling of a dot-segment a URL parser or a backend resolves, built from its parts, so a
 * test covers the whole family instead of a few examples: `.`/`..` with each dot bare, `%2e` or
 * `%2E`; separated by `/`, `%2f`, `%2F`, `\`, `%5c` or `%5C`; leading, inner, repeated and
 * trailing, with and without Tomcat's `;param`.
 * @example dotSegmentValues().includes('%2e%2E%5ckeyed') // true
 */
export function dotSegmentValues(): string[] {
  const dot = ['.', '%2e', '%2E']
  const single = dot
  const double = dot.flatMap((a) => dot.map((b) => a + b))
  const separators = ['/', '%2f', '%2F', '\\', '%5c', '%5C']
  const values = new Set<string>()
  for (const sep of separators) {
    for (const d of double) {
      values.add(`${d}${sep}keyed`)
      values.add(`a${sep}${d}${sep}${d}${sep}keyed`)
      values.add(`a${sep}${d}`)
    }
    for (const d of single) values.add(`${d}${sep}keyed`)
    values.add(`..;x${sep}keyed`)
  }
  for (const d of [...single, ...double]) values.add(d)
  return [...values]
}

/** Values that look close but hold no dot-segment: they must pass untouched. */
export const notDotSegments = ['a.b', 'c..d/...e', '%2e%2e%2e', '.well-known/x', 'a./.b', 'v1.2/..x', '%252e%252e/keyed']
