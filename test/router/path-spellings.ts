/**
 * Other spellings of one path, as a client may send them: extra slashes anywhere (before, between
 * and after segments) and any character percent-encoded, its hex digits in either case. The router
 * sends them all to the same resource with the same parameter values, so everything keyed by the
 * path must treat them alike. Seeded: the same seed gives the same spellings, so a failure names
 * the seed that reproduces it. Pure TypeScript, for tests in workerd and in Node alike.
 */

/** mulberry32: a small seeded generator, enough to pick spellings reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `%XX` for one ASCII character, each hex digit upper- or lower-case at random. */
function percentEncode(c: string, random: () => number): string {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0')
  return '%' + [...hex].map((d) => (random() < 0.5 ? d.toUpperCase() : d)).join('')
}

/**
 * One spelling of `/{segments…}`: every character encoded with probability `encodeRate`, one to
 * three slashes before each segment (mostly one), none to three after the last.
 * @example spell(['dev', 'auth', 'secret'], seededRandom(7)) // e.g. '/dev//a%75th/secret/'
 */
export function spell(segments: string[], random: () => number, encodeRate = 0.3): string {
  const slashes = (min: number) => '/'.repeat(min + (random() < 0.35 ? 1 + Math.floor(random() * 2) : 0))
  let path = ''
  for (const segment of segments) {
    path += slashes(1)
    for (const c of segment) path += random() < encodeRate ? percentEncode(c, random) : c
  }
  return path + slashes(0)
}

/**
 * `count` distinct spellings of `/{segments…}` other than the plain one, from `seed`.
 * @example spellings(['auth', 'secret'], 20, 1) // ['/auth//%73ecret', '//auth/secret/', …]
 */
export function spellings(segments: string[], count: number, seed: number): string[] {
  const random = seededRandom(seed)
  const plain = '/' + segments.join('/')
  const found = new Set<string>()
  for (let tries = 0; found.size < count && tries < count * 50; tries++) {
    const s = spell(segments, random)
    if (s !== plain) found.add(s)
  }
  return [...found]
}
