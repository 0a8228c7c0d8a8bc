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
 * A timeout is AWS's 504 INTEGRATION_TIMEOUT; a refused or broken connection is INTEGRATION_FAILURE.
 */
export function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return withinTimeout(timeoutMs, () => fetchIntegration(url, init))
}

/**
 * A buffered integration (HTTP, AWS, Lambda): `timeoutInMillis` covers the whole response, body
 * included, and a body over AWS's 10 MB is refused.
 */
export function fetchWholeWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<WholeResponse> {
  return withinTimeout(timeoutMs, async () => {
    const response = await fetchIntegration(url, init)
    try {
      return { response, bytes: await readResponseBytes(response) }
    } catch (e) {
      throw e instanceof GatewayError ? e : new GatewayError('INTEGRATION_FAILURE', { cause: e })
    }
  })
}

/**
 * Workers' fetch has no timeout of its own. A timer raced against the work, and cleared with it,
 * costs a fraction of an AbortSignal handed to fetch (measured: ~4 µs a request, docs/benchmarks.md);
 * work still pending past the timeout ends with the request.
 */
async function withinTimeout<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: number | null = null
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GatewayError('INTEGRATION_TIMEOUT')), timeoutMs)
  })
  try {
    return await Promise.race([work(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function fetchIntegration(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (e) {
    throw e instanceof GatewayError ? e : new GatewayError('INTEGRATION_FAILURE', { cause: e })
  }
}
