import { maxPayloadBytes } from '../integration/body-limit'

/** How much of a body the gateway refused it reads and drops: what AWS accepts, once more. */
const discardLimit = 2 * maxPayloadBytes
/** …and for how long; a slower upload has its connection closed instead, as before. */
const discardMillis = 30_000

/**
 * Reads and drops a request body the flow answered without reading (a 413 for a declared 11 MB,
 * a 403 for a missing key on an upload), so the client receives the answer. workerd closes a
 * connection whose request body is left unread, and a client still sending then gets a TCP reset
 * instead of the response. Only bodies the client is sending anyway: not one it holds back for
 * `Expect: 100-continue`, nor one declared past the limit.
 * @example
 * } catch (e) {
 *   await discardUnreadBody(request)
 *   return renderGatewayResponse(toGatewayError(e), context)
 * }
 */
export async function discardUnreadBody(request: Request): Promise<void> {
  const body = request.body
  if (!body || body.locked || request.bodyUsed) return
  if (request.headers.get('expect')?.toLowerCase() === '100-continue') return
  if (Number(request.headers.get('content-length') ?? 0) > discardLimit) return
  const reader = body.getReader()
  let timer = 0
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, discardMillis)))
  try {
    await Promise.race([readToLimit(reader), expired])
  } catch {
    // The client went away: there is no one left to answer.
  } finally {
    clearTimeout(timer)
    reader.cancel().catch(() => undefined)
  }
}

async function readToLimit(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (let seen = 0; seen <= discardLimit; ) {
    const { done, value } = await reader.read()
    if (done) return
    seen += value.byteLength
  }
}
