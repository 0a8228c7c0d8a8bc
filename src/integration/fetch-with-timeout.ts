import { GatewayError } from '../gateway-responses/error'

/**
 * Workers' fetch has no timeout of its own: the integration's `timeoutInMillis` runs until
 * the backend's response headers arrive (the body then streams). A timeout is AWS's 504
 * INTEGRATION_TIMEOUT; a refused or broken connection is INTEGRATION_FAILURE.
 */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  try {
    return await fetch(url, { ...init, signal: controller.signal })
  } catch (e) {
    if (e instanceof GatewayError) throw e
    if (timedOut) throw new GatewayError('INTEGRATION_TIMEOUT', { cause: e })
    throw new GatewayError('INTEGRATION_FAILURE', { cause: e })
  } finally {
    clearTimeout(timer)
  }
}
