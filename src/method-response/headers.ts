/**
 * Headers API Gateway sets on every response, and the backend headers it renames
 * to `x-amzn-Remapped-*` because they collide with its own (../shared/spec §2.9, Appendix A).
 */

import { clientKeyed } from '../client-keyed'

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

const droppedResponseHeaders = new Set(['transfer-encoding', 'keep-alive', 'proxy-connection'])

/**
 * The backend's response as the gateway returns it: status and headers kept, reserved
 * names renamed as AWS does, the gateway's own headers added, the body streamed as it comes.
 * The headers are read with one `forEach` and handed over as one plain object, the cheapest
 * way across the runtime boundary (measured against copying them natively and editing).
 * The reason phrase is the standard one for the status, as AWS sends.
 */
export function backendResponse(upstream: Response, requestId: string, extendedRequestId: string): Response {
  const headers = clientKeyed<string>()
  // Set-Cookie lines are appended afterwards: a record holds one value per name.
  let cookies: string[] | undefined
  upstream.headers.forEach((value, name) => {
    const renamed = remappedResponseHeaders.get(name)
    if (renamed !== undefined) headers[renamed] = value
    else if (name === 'set-cookie') (cookies ??= []).push(value)
    else if (!droppedResponseHeaders.has(name)) headers[name] = value
  })
  headers['content-type'] ??= 'application/json'
  headers.date = httpDate()
  headers['x-amzn-RequestId'] = requestId
  headers['x-amz-apigw-id'] = extendedRequestId
  const response = new Response(upstream.body, { status: upstream.status, headers })
  if (cookies) for (const value of cookies) response.headers.append('set-cookie', value)
  return response
}
