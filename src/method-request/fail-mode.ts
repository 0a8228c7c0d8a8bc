import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { LeaseUnavailable } from './lease-holder'

const logged = new WeakSet<LeaseUnavailable>()

/**
 * Runs an admission that asks a throttling or key Durable Object. If the object fails, the request
 * is refused with a 500 (fail closed) unless the stage sets `throttlingFailOpen`, in which case it
 * is served unthrottled; undefined then stands for "no decision". The holder logs a failing object
 * once, not once per request that meets it.
 */
export async function guardLease<T>(inv: Pick<Invocation, 'stage'>, admit: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await admit()
  } catch (e) {
    if (!(e instanceof LeaseUnavailable)) throw e
    if (e.firstOfStreak && !logged.has(e)) {
      logged.add(e)
      console.error(`throttling Durable Object failed (${inv.stage.throttlingFailOpen ? 'failing open' : 'failing closed'}); not logged again until it answers`, e.cause)
    }
    if (inv.stage.throttlingFailOpen) return undefined
    throw new GatewayError('API_CONFIGURATION_ERROR', { cause: e })
  }
}
