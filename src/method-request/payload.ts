import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { limitStream, readLimited, readRequestBytes } from '../integration/body-limit'

type DecompressionFormat = ConstructorParameters<typeof DecompressionStream>[0]

/** Content-Encoding → DecompressionStream format, for the codings AWS decompresses. */
const decompressible = new Map<string, DecompressionFormat>([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
])

const bodiless = new Set(['GET', 'HEAD'])

/**
 * The method request's body as mapping templates and model validation see it: read once, and
 * decompressed first when the client sent it gzip- or deflate-encoded, as AWS does by default.
 * The request keeps the body as sent, for a step that forwards it (a Lambda proxy event).
 */
export async function methodRequestBody(inv: Invocation): Promise<Uint8Array> {
  if (inv.payload) return inv.payload
  const sent = new Uint8Array(await readRequestBytes(inv.request))
  // A Request for GET or HEAD may not carry a body, not even an empty one.
  if (inv.request.body) inv.request = new Request(inv.request, { body: sent.byteLength > 0 && !bodiless.has(inv.httpMethod) ? sent : null })
  const format = decompressible.get(inv.headers['content-encoding']?.trim().toLowerCase() ?? '')
  inv.payload = format && sent.byteLength > 0 ? await decompressed(sent, format) : sent
  return inv.payload
}

/** The decoded bytes; a body that inflates past AWS's 10 MB is refused like any other. */
async function decompressed(bytes: Uint8Array, format: DecompressionFormat): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readLimited(limitStream(new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format)))))
  } catch (e) {
    if (e instanceof GatewayError) throw e
    throw new GatewayError('BAD_REQUEST_BODY', { cause: e })
  }
}
