import fc from 'fast-check'
import { adminToken, apiKey, stage } from './api'
import { proxyTail } from './paths'

/**
 * Request generators: methods, headers, query strings, bodies and the admin credential, and
 * whole client requests aimed at the property API. HTTP framing (Content-Length,
 * Transfer-Encoding, Host) is left to the socket client: workerd answers broken framing
 * itself, before the Worker runs (docs/testing.md).
 */

/** AWS's seven, and methods outside them as a client may write them. */
export const standardMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
export const otherMethods = ['TRACE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'PURGE', 'SEARCH', 'REPORT', 'get', 'post', 'Get', 'pAtCh', 'FOO', 'M-SEARCH']

/** `text` with each letter's case chosen independently. */
export const anyCase = (text: string) =>
  fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((upper) => [...text].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''))

const whitespace = (min: number) => fc.array(fc.constantFrom(' ', '\t'), { minLength: min, maxLength: 3 }).map((w) => w.join(''))

/** The admin token as a client may send it: `Authorization: Bearer …` in any case and spacing, asking for a cache refresh. */
export const adminCredential = fc
  .record({
    name: anyCase('authorization'),
    scheme: anyCase('bearer'),
    gap: whitespace(1),
    trailing: whitespace(0),
    cacheControlName: anyCase('cache-control'),
    cacheControl: fc.constantFrom('max-age=0', 'MAX-AGE=0', 'no-cache, max-age=0', 'max-age = 0', 'max-age="0"', 'max-age=00'),
  })
  .map(({ name, scheme, gap, trailing, cacheControlName, cacheControl }): [string, string][] => [
    [name, `${scheme}${gap}${adminToken}${trailing}`],
    [cacheControlName, cacheControl],
  ])

/** Query parameter pieces: control characters (CR, LF, NUL), broken escapes, form encoding, non-ASCII. */
const queryAtoms = ['a', 'q', '', '%0d', '%0a', '%0D%0A', '%00', '%09', '%7f', '%zz', '%', '+', '%2B', '%20', '%C3%A9', '%ff', '%c0%ae', '=', '%26', '..', '%22', '<', '$', '{']
/** A query value built from those pieces. */
export const queryValue = fc.array(fc.constantFrom(...queryAtoms), { minLength: 0, maxLength: 4 }).map((a) => a.join(''))
export const queryString = fc
  .array(fc.tuple(fc.constantFrom('q', 'Q', '%71', 'x', '', 'q[]'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`))

const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.,;:=/"\'()<>{}[]\\@!$%&*+?é\t'), maxLength: 24 }).map((s) => s.trim())

/** Headers a client may send, other than framing and Host. */
const clientHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constant('Content-Type'), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '*/*', 'garbage', 'application/octet-stream')),
  fc.tuple(fc.constant('Content-Encoding'), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x-unknown')),
  fc.tuple(fc.constant('Accept'), fc.constantFrom('application/json', 'image/png', '*/*', 'text/html;q=0.1', 'garbage')),
  fc.tuple(fc.constant('Accept-Encoding'), fc.constantFrom('gzip', 'deflate', 'br', '*', 'identity;q=0', 'gzip;q=0, deflate')),
  fc.tuple(fc.constant('Authorization'), fc.oneof(fc.constantFrom('Bearer x', 'Bearer', 'AWS4-HMAC-SHA256 Credential=x', 'Basic Zm9vOmJhcg=='), printable)),
  fc.tuple(fc.constant('x-api-key'), fc.constantFrom(apiKey, 'wrong-key', apiKey.toUpperCase())),
  fc.tuple(fc.constant('X-User'), printable),
  fc.tuple(fc.constant('Cache-Control'), fc.constantFrom('max-age=0', 'no-cache', 'no-store', 'max-age=abc')),
  fc.tuple(fc.constantFrom('X-Forwarded-For', 'CF-Connecting-IP'), fc.constantFrom('203.0.113.7', '::1', 'garbage', '1.2.3.4, 5.6.7.8')),
  fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,10}$/), printable),
)

const body = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('{}', '{"a":1}', '[1,2', 'null', '"\u0000"', 'a=1&b=2', '{"a":"\ud83d\ude00"}').map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes)),
)

/** The resources of the property API, as a client might aim at them. */
const target = fc.oneof(
  fc.constantFrom(...['/auth/x', '/rauth/x', '/cached/x', '/keyed/x', '/keyed', '/mapped', '/mapped-http', '/fail', '/slow', '/nowhere'].map((p) => `/${stage}${p}`), '/other/x', '/'),
  fc.tuple(fc.constantFrom('public', 'h', 'lambda'), proxyTail).map(([resource, tail]) => `/${stage}/${resource}/${tail}`),
)

/** Any request a client could send the API, short of breaking HTTP framing: one valid Host, of this API or not. */
export const clientRequest = fc.record({
  host: fc.constantFrom('props.execute-api.localhost', 'other.execute-api.localhost', 'localhost', 'PROPS.execute-api.localhost'),
  method: fc.oneof({ weight: 3, arbitrary: fc.constant('GET') }, { weight: 3, arbitrary: fc.constantFrom(...standardMethods) }, { weight: 1, arbitrary: fc.constantFrom(...otherMethods) }),
  target: fc.tuple(target, queryString).map(([path, query]) => path + query),
  headers: fc.array(clientHeader, { maxLength: 5 }),
  body,
}).map(({ host, headers, ...rest }) => ({ ...rest, headers: [['Host', host] as [string, string], ...headers] }))
