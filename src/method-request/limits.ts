import { GatewayError } from '../gateway-responses/error'

/** AWS's limit on all request header names and values together. */
export const maxHeaderBytes = 10240

/**
 * Refuses requests AWS would refuse before routing: a path with broken percent-encoding
 * (400) and headers over 10,240 bytes (413). Cloudflare's own `cf-*` headers do not count.
 */
export function checkRequestLimits(request: Request, pathname: string) {
  if (/%(?![0-9A-Fa-f]{2})/.test(pathname)) {
    throw new GatewayError('DEFAULT_4XX', { status: 400, message: 'Bad Request', errorType: 'BadRequestException' })
  }
  let bytes = 0
  for (const [name, value] of request.headers) {
    if (name.startsWith('cf-')) continue
    bytes += name.length + value.length
  }
  if (bytes > maxHeaderBytes) throw new GatewayError('REQUEST_TOO_LARGE', { message: 'Request Header Fields Too Large' })
}
