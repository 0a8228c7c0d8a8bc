/**
 * Headers API Gateway sets on every response, and the backend headers it renames
 * to `x-amzn-Remapped-*` because they collide with its own (../shared/spec §2.9, Appendix A).
 */

let dateSecond = 0
let dateValue = ''

/** RFC 7231 date, computed once per second rather than per response. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateValue = new Date(second * 1000).toUTCString()
  }
  return dateValue
}

/** `x-amzn-RequestId`, `x-amz-apigw-id` and `Date`, as on every AWS response. */
export function gatewayHeaders(requestId: string, extendedRequestId: string): Headers {
  const headers = new Headers()
  headers.set('date', httpDate())
  headers.set('x-amzn-RequestId', requestId)
  headers.set('x-amz-apigw-id', extendedRequestId)
  return headers
}

/** Backend response headers that come back renamed; Transfer-Encoding is dropped. */
export const remappedResponseHeaders = new Set([
  'authorization',
  'connection',
  'content-length',
  'content-md5',
  'date',
  'expect',
  'host',
  'max-forwards',
  'proxy-authenticate',
  'server',
  'trailer',
  'upgrade',
  'user-agent',
  'www-authenticate',
  'x-amzn-requestid',
])

const droppedResponseHeaders = new Set(['transfer-encoding', 'keep-alive', 'proxy-connection'])

/**
 * Copies backend headers onto `into`, renaming the reserved ones as AWS does.
 * Content-Length stays known to the runtime through the streamed body, so it is not lost.
 */
export function copyBackendHeaders(from: Headers, into: Headers) {
  for (const [name, value] of from) {
    if (droppedResponseHeaders.has(name)) continue
    if (remappedResponseHeaders.has(name)) into.append(`x-amzn-Remapped-${canonical(name)}`, value)
    else if (name === 'set-cookie') continue
    else into.append(name, value)
  }
  // Headers iteration folds Set-Cookie; keep each cookie its own header.
  for (const cookie of from.getSetCookie()) into.append('set-cookie', cookie)
}

/** `content-length` → `Content-Length`; AWS shows the remapped names in this casing. */
const canonical = (name: string) =>
  name === 'x-amzn-requestid' ? 'x-amzn-RequestId' : name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
