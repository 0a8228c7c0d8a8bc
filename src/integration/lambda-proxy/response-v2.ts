import type { Invocation } from '../../invocation'
import { GatewayError } from '../../gateway-responses/error'
import { gatewayHeaders } from '../../method-response/headers'
import { base64ToBytes } from '../../base64'

/** HTTP APIs answer any unusable function result with their own 500. */
export const httpApiFailure = (why: string) => {
  console.error(`Lambda proxy response (format 2.0) is unusable: ${why}`)
  return new GatewayError('INTEGRATION_FAILURE', { status: 500, message: 'Internal Server Error' })
}

/**
 * Reads a format 2.0 result (../shared/spec §4.3): with a `statusCode`, the structured form
 * (`headers`, `cookies` as Set-Cookie, `body`, `isBase64Encoded` always decoded); any other JSON
 * is inferred as a 200 `application/json` whose body is the value (a string as it is).
 * @example proxyResponseV2(inv, '{"message": "hi"}') // 200, body {"message":"hi"}
 */
export function proxyResponseV2(inv: Invocation, payload: string): Response {
  let value: unknown
  try {
    value = JSON.parse(payload)
  } catch {
    throw httpApiFailure('not JSON')
  }
  const headers = gatewayHeaders(inv.requestId, inv.extendedRequestId)
  const structured = value !== null && typeof value === 'object' && !Array.isArray(value) && 'statusCode' in value
  if (!structured) {
    headers.set('content-type', 'application/json')
    return new Response(typeof value === 'string' ? value : JSON.stringify(value), { status: 200, headers })
  }
  const out = value as Record<string, unknown>
  const status = typeof out.statusCode === 'string' && /^\d+$/.test(out.statusCode) ? Number(out.statusCode) : out.statusCode
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) throw httpApiFailure(`statusCode ${JSON.stringify(out.statusCode)}`)
  if (out.headers !== undefined && out.headers !== null) {
    if (typeof out.headers !== 'object' || Array.isArray(out.headers)) throw httpApiFailure('headers is not an object')
    for (const [name, v] of Object.entries(out.headers)) if (v !== null && v !== undefined) headers.set(name, String(v))
  }
  if (out.cookies !== undefined && out.cookies !== null) {
    if (!Array.isArray(out.cookies)) throw httpApiFailure('cookies is not a list')
    for (const cookie of out.cookies) headers.append('set-cookie', String(cookie))
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  if (out.body !== undefined && out.body !== null && typeof out.body !== 'string') throw httpApiFailure('body is not a string')
  const text = (out.body as string | undefined) ?? ''
  let body: string | Uint8Array = text
  if (out.isBase64Encoded === true) {
    try {
      body = base64ToBytes(text.replace(/\s+/g, ''))
    } catch {
      throw httpApiFailure('body is not base64')
    }
  }
  const empty = status === 204 || status === 205 || status === 304
  return new Response(empty ? null : body, { status, headers })
}
