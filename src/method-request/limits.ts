import { GatewayError } from '../gateway-responses/error'
import type { ClientHeaders } from '../invocation'
import { clientKeyed } from '../client-keyed'

/** AWS's limit on all request header names and values together. */
export const maxHeaderBytes = 10240

/** A path with broken percent-encoding is AWS's 400, before any routing. */
export function checkRequestPath(pathname: string) {
  if (pathname.includes('%') && /%(?![0-9A-Fa-f]{2})/.test(pathname)) {
    throw new GatewayError('DEFAULT_4XX', { status: 400, message: 'Bad Request', errorType: 'BadRequestException' })
  }
}

/**
 * Reads the client's headers once, refusing them past AWS's 10,240 bytes (413) as AWS does
 * before routing; Cloudflare's own `cf-*` headers do not count. `forEach` is the cheapest way
 * across the runtime boundary (measured: fewer instructions per header than iterating).
 * @example const headers = readClientHeaders(request) // { host: 'api.example.com', accept: '*\/*' }
 */
export function readClientHeaders(request: Request): ClientHeaders {
  const headers: ClientHeaders = clientKeyed()
  let bytes = 0
  request.headers.forEach((value, name) => {
    // Only Set-Cookie comes back line by line; joined, it reads as Headers.get would give it.
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
    if (!name.startsWith('cf-')) bytes += name.length + value.length
  })
  if (bytes > maxHeaderBytes) throw new GatewayError('REQUEST_TOO_LARGE', { message: 'Request Header Fields Too Large' })
  return headers
}
