import { GatewayError } from '../gateway-responses/error'

/**
 * Workers' fetch has no timeout of its own: the gateway enforces `timeoutInMillis`.
 * A timeout is AWS's 504 INTEGRATION_TIMEOUT; a refused or broken connection is INTEGRATION_FAILURE.
 */
export async function fetchWithTimeout(url: string, init: RequestInit & { signal?: never }, timeoutMs: number): Promise<Response> {
  // One native timer; once it fires it also ends a body still streaming, as AWS's limit covers
  // the whole integration response.
  const signal = (init as RequestInit).signal = AbortSignal.timeout(timeoutMs)
  try {
    return await fetch(url, init)
  } catch (e) {
    if (e instanceof GatewayError) throw e
    if (signal.aborted) throw new GatewayError('INTEGRATION_TIMEOUT', { cause: e })
    throw new GatewayError('INTEGRATION_FAILURE', { cause: e })
  }
}
