import { maxPayloadBytes } from '../integration/body-limit'

/** How much of a body the gateway refused it reads and drops: what AWS accepts, once more. */
const discardLimit = 2 * maxPayloadBytes
/** For how long in all; a slower upload has its connection closed instead, as before. */
const discardMillis = 30_000
/** How long a pause ends it: a client that declared a body but waits for the answer gets it. */
const stallMillis = 1_000

/**
 * Reads and drops a request body the flow answered without reading (a 413 for a declared 11 MB,
 * a 403 for a missing key on an upload), so the client receives the answer. workerd closes a
 * connection whose request body is left unread, and a client still sending then gets a TCP reset
 * instead of the response. Only bodies the client is sending anyway: not one it holds back for
 * `Expect: 100-continue`, nor one declared past the limit, and only while it keeps arriving.
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
  const deadline = Date.now() + discardMillis
  try {
    for (let seen = 0; seen <= discardLimit && Date.now() < deadline; ) {
      const chunk = await unlessStalled(reader.read())
      if (!chunk || chunk.done) return
      seen += chunk.value.byteLength
    }
  } catch {
    // The client went away: there is no one left to answer.
  } finally {
    reader.cancel().catch(() => undefined)
  }
}

/** The read, or undefined when nothing arrives for `stallMillis`. */
function unlessStalled<T>(read: Promise<T>): Promise<T | undefined> {
  let timer = 0
  const stalled = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, stallMillis, undefined)))
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer))
}
