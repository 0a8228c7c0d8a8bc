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

/** Backend response headers that come back renamed. */
const remappedNames = [
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
]

/** `content-length` → `Content-Length`; AWS shows the remapped names in this casing. */
const canonical = (name: string) =>
  name === 'x-amzn-requestid' ? 'x-amzn-RequestId' : name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())

/** Lower-case backend header name → the name it comes back under, built once. */
export const remappedResponseHeaders = new Map(remappedNames.map((n) => [n, `x-amzn-Remapped-${canonical(n)}`]))

/**
 * Connection-level names the runtime's HTTP layer writes itself: it never sends them from a
 * Response's headers (tested end to end), so renaming them needs no delete.
 */
const managedByRuntime = new Set(['connection', 'content-length', 'keep-alive', 'te', 'transfer-encoding', 'upgrade'])

/**
 * The backend's response as the gateway returns it: status and headers kept, reserved
 * names renamed as AWS does, the gateway's own headers added, the body streamed as it comes.
 * The runtime copies the backend's headers natively (Set-Cookie lines included); one `forEach`
 * finds the reserved ones, and only those are edited (as cheap as rebuilding them as a record,
 * docs/benchmarks.md). Only the status code crosses: the reason phrase is the standard one.
 */
export function backendResponse(upstream: Response, requestId: string, extendedRequestId: string): Response {
  const response = new Response(upstream.body, { status: upstream.status, headers: upstream.headers })
  const headers = response.headers
  let typed = false
  upstream.headers.forEach((value, name) => {
    const renamed = remappedResponseHeaders.get(name)
    if (renamed !== undefined) {
      if (!managedByRuntime.has(name) && name !== 'date') headers.delete(name)
      headers.set(renamed, value)
    } else if (name === 'content-type') typed = true
    else if (name === 'proxy-connection') headers.delete(name)
  })
  if (!typed) headers.set('content-type', 'application/json')
  headers.set('date', httpDate())
  headers.set('x-amzn-RequestId', requestId)
  headers.set('x-amz-apigw-id', extendedRequestId)
  return response
}
