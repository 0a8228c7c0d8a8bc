import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { LeaseUnavailable, type LeaseAnswer, type LeaseIo } from './lease-holder'
import type { LeaseAsk } from './lease-ledger'
import { recordMetric } from '../observe/metrics'

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

/** Beyond AWS: calls to throttling and key Durable Objects, per API and stage (docs/observability.md). */
export const objectCallsMetric = 'ThrottleObjectCalls'

/**
 * How a request's lease holder reaches its object: each call counted in `ThrottleObjectCalls`
 * (leases make them rare, so the count shows how rare), and work for later requests kept alive
 * with `waitUntil`.
 * @example holder.admit(leaseIo(inv, (ask) => stub.lease(limit, ask)))
 */
export function leaseIo<Info, Refusal>(inv: LeasedRequest, call: (ask: LeaseAsk) => Promise<unknown>): LeaseIo<Info, Refusal> {
  return {
    call: (ask) => {
      recordMetric(objectCallsMetric, { apiId: inv.api.id, stage: inv.stage.name })
      // RPC types flatten the union; the objects return a LeaseAnswer.
      return call(ask) as Promise<LeaseAnswer<Info, Refusal>>
    },
    keepAlive: (work) => inv.ctx?.waitUntil(work),
  }
}

/** What a lease needs of a request (a REST method or a WebSocket route alike). */
export type LeasedRequest = Pick<Invocation, 'api' | 'stage'> & { ctx?: ExecutionContext }
