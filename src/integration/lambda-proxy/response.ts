import type { Invocation } from '../../invocation'
import { GatewayError } from '../../gateway-responses/error'
import { gatewayHeaders, remappedResponseHeaders } from '../../method-response/headers'
import { firstAccepted, fromBase64, isBinary } from '../content-handling'

const allowedKeys = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded'])

/** What AWS answers for a proxy response it cannot use. */
const malformed = (why: string) => {
  console.error(`Lambda proxy response is malformed: ${why}`)
  return new GatewayError('INTEGRATION_FAILURE', { status: 502 })
}

/**
 * Reads a Lambda proxy response, payload format 1.0, by the rules recorded against AWS
 * (../shared/spec §4.3): only the five known keys, at least one of them; `statusCode` a number
 * or numeric string (200 when absent); header values stringified; `multiValueHeaders` lists,
 * merged before `headers` of the same name (the multi casing kept); a base64 body decoded only
 * when the client's first Accept type is a binary media type.
 * @example const response = proxyResponse(inv, '{"statusCode": 201, "body": "ok"}')
 */
export function proxyResponse(inv: Invocation, payload: string): Response {
  let value: unknown
  try {
    value = JSON.parse(payload)
  } catch {
    throw malformed('not JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed('not an object')
  const out = value as Record<string, unknown>
  const keys = Object.keys(out)
  if (keys.length === 0) throw malformed('{}')
  const unknown = keys.find((k) => !allowedKeys.has(k))
  if (unknown !== undefined) throw malformed(`unknown key ${JSON.stringify(unknown)}`)

  const status = statusOf(out.statusCode)
  const headers = gatewayHeaders(inv.requestId, inv.extendedRequestId)
  for (const [name, values] of mergedHeaders(out.headers, out.multiValueHeaders)) {
    const lower = name.toLowerCase()
    if (lower === 'transfer-encoding' || lower === 'connection') continue
    const shown = remappedResponseHeaders.get(lower) ?? name
    // Cookies cannot share a line; every other header's values are joined as AWS joins them.
    if (lower === 'set-cookie') for (const v of values) headers.append(shown, v)
    else headers.set(shown, values.join(', '))
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')

  if (out.body !== undefined && out.body !== null && typeof out.body !== 'string') throw malformed('body is not a string')
  const text = (out.body as string | null | undefined) ?? ''
  let body: string | Uint8Array = text
  if (out.isBase64Encoded === true && isBinary(firstAccepted(inv.headers.accept ?? null), inv.api.binaryMediaTypes)) body = fromBase64(text)
  return new Response(noBody(status) ? null : body, { status, headers })
}

function statusOf(value: unknown): number {
  if (value === undefined || value === null) return 200
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < 100 || n > 599) throw malformed(`statusCode ${JSON.stringify(value)}`)
  return n
}

/** `multiValueHeaders` first, then `headers`; names matched case-insensitively. */
function mergedHeaders(single: unknown, multi: unknown): Map<string, string[]> {
  const merged = new Map<string, { name: string; values: string[] }>()
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object' || Array.isArray(multi)) throw malformed('multiValueHeaders is not an object')
    for (const [name, values] of Object.entries(multi)) {
      if (values === null) continue
      if (!Array.isArray(values)) throw malformed(`multiValueHeaders.${name} is not a list`)
      merged.set(name.toLowerCase(), { name, values: values.map(String) })
    }
  }
  if (single !== undefined && single !== null) {
    if (typeof single !== 'object' || Array.isArray(single)) throw malformed('headers is not an object')
    for (const [name, value] of Object.entries(single)) {
      if (value === null || value === undefined) continue
      const entry = merged.get(name.toLowerCase())
      if (entry) entry.values.push(String(value))
      else merged.set(name.toLowerCase(), { name, values: [String(value)] })
    }
  }
  return new Map([...merged.values()].map((e) => [e.name, e.values]))
}

const noBody = (s: number) => s === 101 || s === 204 || s === 205 || s === 304
