import fc from 'fast-check'
import { deniedId } from './api'

/**
 * Path generators. Paths are built from canonical segments and then *spelled*: every spelling
 * reaches the same method with the same decoded parameter values, either because the router
 * treats them alike (empty segments, percent-encoding, a leading `//` before the stage) or
 * because workerd resolves them before the Worker sees the URL (plain `./` and `x/../`
 * segments; `%2e` segments it leaves alone, so they are not spellings here). And `{proxy+}`
 * tails built to climb out of an integration URI.
 */

const hex = (byte: number) => byte.toString(16).padStart(2, '0')
const utf8 = (char: string) => [...Buffer.from(char, 'utf8')]
/** Characters a path segment may carry unencoded (RFC 3986 pchar, minus `%`). */
const rawSafe = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/

/** `%xx` with each hex digit in upper or lower case. */
const percentEncoded = (char: string) =>
  fc.array(fc.boolean(), { minLength: 2 * utf8(char).length, maxLength: 2 * utf8(char).length }).map((upper) =>
    utf8(char)
      .map((byte, i) => `%${[...hex(byte)].map((d, j) => (upper[2 * i + j] ? d.toUpperCase() : d)).join('')}`)
      .join(''),
  )

/** One character of a segment: as it is (ASCII pchar or raw UTF-8 on the wire), or percent-encoded. */
const spelledChar = (char: string) =>
  rawSafe.test(char) || char.charCodeAt(0) > 127 ? fc.oneof({ withCrossShrink: true }, fc.constant(char), percentEncoded(char)) : percentEncoded(char)

const spelledSegment = (segment: string) => fc.tuple(...[...segment].map(spelledChar)).map((chars) => chars.join(''))

/** What may stand between two segments: one or more slashes, and dot segments workerd resolves. */
const separator = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: fc.constant('/') },
  { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }).map((n) => '/'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('/./', '/x/../', '/.//', '/zz/./../') },
)

/** A segment written exactly as given, in every spelling. */
export interface Verbatim {
  verbatim: string
}

/**
 * Spellings of `/seg1/seg2/…` that the gateway must treat as that path: each segment's
 * characters encoded or not (unless it is `Verbatim`), any separator doubled or dotted,
 * trailing slashes.
 * @example fc.sample(spelledPath(['dev', 'auth', 'secret']), 1) // ['//dev/auth//%73eCret/']
 */
export function spelledPath(segments: (string | Verbatim)[]): fc.Arbitrary<string> {
  const spelled = segments.map((s) => (typeof s === 'string' ? spelledSegment(s) : fc.constant(s.verbatim)))
  return fc
    .tuple(fc.tuple(...segments.map(() => separator)), fc.tuple(...spelled), fc.constantFrom('', '/', '//'))
    .map(([separators, spelled, trailing]) => spelled.map((s, i) => separators[i] + s).join('') + trailing)
}

/** The plain spelling: each segment URI-encoded once, single slashes. */
export const canonicalPath = (segments: string[]) => segments.map((s) => `/${encodeURIComponent(s)}`).join('')

const idChars = [...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-._~!$&\'()*+,;=:@ é日😀']

/** A path parameter value: often the one the policy denies, else short text of pchars, space and non-ASCII. */
export const parameterValue = fc.oneof(
  { weight: 2, arbitrary: fc.constant(deniedId) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...idChars), minLength: 1, maxLength: 8 }).filter((s) => !/^\.+$/.test(s)) },
)

/** A parameter value and a spelling of the path to it. */
export const spelledWithValue = (prefix: string[]) => parameterValue.chain((id) => fc.record({ id: fc.constant(id), spelling: spelledPath([...prefix, id]) }))

/**
 * Pieces of a `{proxy+}` value meant to climb out of the integration URI's prefix or move
 * its host: dot segments plain and encoded (mixed case, overlong UTF-8), encoded slashes and
 * backslashes, `@`, `//`, and a protected path to land on.
 */
const escapeAtoms = [
  '.', '..', '%2e', '%2E', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '%2E.', '..%00', '%252e%252e',
  '%2f', '%2F', '%5c', '%5C', '\\', '..\\', '\\..', '..%5c', '..%2f', '%2e%2e%2f', '%2e%2e%5c',
  '%c0%ae', '%c0%ae%c0%ae', '%e0%80%ae', '%c0%af', '%C0%AF', '%c1%9c', '%u002e', '．．', '%ef%bc%8e',
  '@', '@127.0.0.1', 'user@evil.example', '//evil.example', 'http:', 'http://evil.example', '', ':80', '%40', '%3a',
  'keyed', 'public', 'a', 'é', '%C3%A9', ';', '%3b', '%3f', '%23',
]

/** A `{proxy+}` tail: 1–6 atoms joined by `/`. */
export const proxyTail = fc.array(fc.constantFrom(...escapeAtoms), { minLength: 1, maxLength: 6 }).map((atoms) => atoms.join('/'))
