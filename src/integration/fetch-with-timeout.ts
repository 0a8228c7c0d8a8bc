import { GatewayError } from '../gateway-responses/error'
import { readResponseBytes } from './body-limit'

/** What a buffered integration gets back: the response and its body, read whole. */
export interface WholeResponse {
  response: Response
  bytes: Uint8Array
}

/**
 * A streamed integration (HTTP_PROXY): `timeoutInMillis` runs until the backend's response
 * headers arrive, as for AWS's streamed proxy responses; the body then streams to the client.
 * The runtime's own `AbortSignal.timeout` bounds the wait: it ends with the response headers
 * (the body streams on past it, tested end to end), costs what a cleared JS timer does
 * (measured side by side, docs/benchmarks.md) and needs no clearing. A failure rejects as
 * `fetch` does; the caller maps it with `integrationError` in the catch it already has (one
 * promise fewer per request than a `.catch` here).
 */
export function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  init.signal = AbortSignal.timeout(timeoutMs)
  return fetch(url, init)
}

/**
 * A timeout is AWS's 504 INTEGRATION_TIMEOUT; a refused or broken connection (DNS, refused,
 * reset, TLS) is INTEGRATION_FAILURE, its cause logged here, once per request, as the client
 * only sees `Internal server error`. The URL is logged without its query, which may hold secrets.
 * @example throw integrationError(e, url)
 */
export function integrationError(e: unknown, url: string): GatewayError {
  if (e instanceof GatewayError) return e
  if (e instanceof Error && e.name === 'TimeoutError') return new GatewayError('INTEGRATION_TIMEOUT')
  console.error(`integration request to ${url.split(/[?#]/)[0]} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
  return new GatewayError('INTEGRATION_FAILURE', { cause: e })
}

/**
 * A buffered integration (HTTP, AWS, Lambda): `timeoutInMillis` covers the whole response, body
 * included, and a body over AWS's 10 MB is refused.
 */
export function fetchWholeWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<WholeResponse> {
  return withinTimeout(timeoutMs, async () => {
    try {
      const response = await fetch(url, init)
      return { response, bytes: await readResponseBytes(response) }
    } catch (e) {
      throw integrationError(e, url)
    }
  })
}

/**
 * Workers' fetch has no timeout of its own. For a buffered response the deadline must cover the
 * body as well, which a fetch signal does not: a timer settled with the work, and cleared with it;
 * work still pending past the timeout ends with the request.
 */
function withinTimeout<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GatewayError('INTEGRATION_TIMEOUT')), timeoutMs)
    work().then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (e) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}
