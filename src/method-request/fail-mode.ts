import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'

/**
 * Runs a call to a throttling or key Durable Object. If the object fails, the request is
 * refused with a 500 (fail closed) unless the stage sets `throttlingFailOpen`, in which case
 * it is served unthrottled and the failure is logged; undefined then stands for "no decision".
 */
export async function guardDurableCall<T>(inv: Pick<Invocation, 'stage'>, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call()
  } catch (e) {
    console.error(`throttling Durable Object failed (${inv.stage.throttlingFailOpen ? 'failing open' : 'failing closed'})`, e)
    if (inv.stage.throttlingFailOpen) return undefined
    throw new GatewayError('API_CONFIGURATION_ERROR', { cause: e })
  }
}
