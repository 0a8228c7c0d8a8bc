import { GatewayError } from '../gateway-responses/error'

/** AWS's payload limit for REST and HTTP APIs. */
export const maxPayloadBytes = 10 * 1024 * 1024

/** A body and whether it was cut off for passing AWS's 10 MB. */
export interface LimitedBody {
  body: ReadableStream<Uint8Array> | null
  exceeded: () => boolean
}

export const neverExceeded = () => false

/**
 * Refuses a declared oversized body up front; a body without Content-Length is counted
 * as it streams and cut off past the limit, so nothing over 10 MB is ever buffered.
 */
export function limitRequestBody(request: Request): LimitedBody {
  if (!request.body) return { body: null, exceeded: neverExceeded }
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    if (Number(declared) > maxPayloadBytes) throw new GatewayError('REQUEST_TOO_LARGE')
    return { body: request.body, exceeded: neverExceeded }
  }
  return limitStream(request.body)
}

/** A stream counted as it flows and errored with REQUEST_TOO_LARGE past AWS's 10 MB. */
export function limitStream(stream: ReadableStream<Uint8Array>): LimitedBody {
  let over = false
  let seen = 0
  const body = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength
        if (seen <= maxPayloadBytes) return controller.enqueue(chunk)
        over = true
        controller.error(new GatewayError('REQUEST_TOO_LARGE'))
      },
    }),
  )
  return { body, exceeded: () => over }
}

/** Reads a limited body whole; past the limit it is REQUEST_TOO_LARGE, whatever error the read surfaced. */
export async function readLimited({ body, exceeded }: LimitedBody): Promise<ArrayBuffer> {
  if (!body) return new ArrayBuffer(0)
  try {
    return await new Response(body).arrayBuffer()
  } catch (e) {
    if (exceeded()) throw new GatewayError('REQUEST_TOO_LARGE')
    throw e
  }
}

/** Reads a (limited) request body whole, for templates and mappings, or to give it a length. */
export const readRequestBytes = (request: Request): Promise<ArrayBuffer> => readLimited(limitRequestBody(request))

/** An integration response body, read whole (templates need it) and refused past AWS's 10 MB. */
export async function readResponseBytes(res: Response): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 0)
  if (declared > maxPayloadBytes) throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  return new Uint8Array(await res.arrayBuffer())
}
