import { GatewayError } from '../gateway-responses/error'

/** AWS's payload limit for REST and HTTP APIs. */
export const maxPayloadBytes = 10 * 1024 * 1024

/**
 * Refuses a declared oversized body up front; a body without Content-Length is counted
 * as it streams and cut off past the limit, so nothing over 10 MB is ever buffered.
 */
export function limitRequestBody(request: Request): { body: ReadableStream<Uint8Array> | null; exceeded: () => boolean } {
  let over = false
  const exceeded = () => over
  if (!request.body) return { body: null, exceeded }
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    if (Number(declared) > maxPayloadBytes) throw new GatewayError('REQUEST_TOO_LARGE')
    return { body: request.body, exceeded }
  }
  let seen = 0
  const body = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength
        if (seen <= maxPayloadBytes) return controller.enqueue(chunk)
        over = true
        controller.error(new GatewayError('REQUEST_TOO_LARGE'))
      },
    }),
  )
  return { body, exceeded }
}

/** Reads a (limited) request body whole, for templates and mappings, or to give it a length. */
export async function readRequestBytes(request: Request): Promise<ArrayBuffer> {
  const { body, exceeded } = limitRequestBody(request)
  if (!body) return new ArrayBuffer(0)
  try {
    return await new Response(body).arrayBuffer()
  } catch (e) {
    if (exceeded()) throw new GatewayError('REQUEST_TOO_LARGE')
    throw e
  }
}

/** An integration response body, read whole (templates need it) and refused past AWS's 10 MB. */
export async function readResponseBytes(res: Response): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > maxPayloadBytes) throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  return new Uint8Array(await res.arrayBuffer())
}
