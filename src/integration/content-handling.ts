import type { ContentHandling } from '../definitions/table'
import { GatewayError } from '../gateway-responses/error'
import { base64ToBytes, bytesToBase64 } from '../base64'

/**
 * Binary payloads for non-proxy integrations (../shared/spec §12): whether a media type is
 * binary for the API, and the CONVERT_TO_TEXT / CONVERT_TO_BINARY conversions of a payload.
 */

const mediaType = (value: string | null) => value?.split(';')[0].trim().toLowerCase() || ''

/**
 * Does the media type match the API's `binaryMediaTypes`? A right-side wildcard (`image/*`)
 * and `*\u002F*` match; a left-side wildcard does not, as on AWS.
 * @example isBinary('image/png', ['image/*']) // true
 */
export function isBinary(contentType: string | null, binaryMediaTypes: string[]): boolean {
  const type = mediaType(contentType)
  if (!type) return false
  return binaryMediaTypes.some((b) => {
    const pattern = b.toLowerCase()
    if (pattern === '*/*') return true
    // A left-side wildcard matches nothing on AWS, not even itself.
    if (pattern.startsWith('*/')) return false
    if (pattern.endsWith('/*')) return type.startsWith(pattern.slice(0, -1))
    return pattern === type
  })
}

/** Only the first type of `Accept` counts for binary decisions (no Accept: not binary). */
export const firstAccepted = (accept: string | null) => (accept ? accept.split(',')[0] : null)


/** Text assumed to be base64; anything else is AWS's 500 (API_CONFIGURATION_ERROR). */
export function fromBase64(text: string): Uint8Array {
  try {
    return base64ToBytes(text.replace(/\s+/g, ''))
  } catch {
    throw new GatewayError('API_CONFIGURATION_ERROR')
  }
}

const utf8 = new TextDecoder()
const encoder = new TextEncoder()

/** A payload on its way through the integration: its bytes, and whether it counts as binary. */
export interface Payload {
  bytes: Uint8Array
  binary: boolean
}

/** The payload's text as a template sees it: UTF-8, or base64 once converted to text. */
export const textOf = (p: Payload) => utf8.decode(p.bytes)

/**
 * Applies `contentHandling` to a payload: CONVERT_TO_TEXT base64-encodes a binary payload;
 * CONVERT_TO_BINARY base64-decodes a text payload; unset leaves it as it is.
 */
export function convert(payload: Payload, handling: ContentHandling | undefined): Payload {
  if (handling === 'CONVERT_TO_TEXT' && payload.binary) return { bytes: encoder.encode(bytesToBase64(payload.bytes)), binary: false }
  if (handling === 'CONVERT_TO_BINARY' && !payload.binary) return { bytes: fromBase64(utf8.decode(payload.bytes)), binary: true }
  return payload
}

/**
 * The response side, keyed on the client's first Accept type: with binary media types set, a
 * text payload asked for as binary is base64-decoded and a binary one asked for as text is
 * base64-encoded, unless `contentHandling` says otherwise.
 */
export function convertResponse(payload: Payload, handling: ContentHandling | undefined, acceptBinary: boolean, typesSet: boolean): Payload {
  if (handling) return convert(payload, handling)
  if (!typesSet) return { bytes: payload.bytes, binary: false }
  if (acceptBinary && !payload.binary) return convert(payload, 'CONVERT_TO_BINARY')
  if (!acceptBinary && payload.binary) return convert(payload, 'CONVERT_TO_TEXT')
  return payload
}
