import type { Invocation } from '../invocation'
import type { LeaseAnswer, LeaseIo } from './lease-holder'
import type { LeaseAsk } from './lease-ledger'
import { recordMetric } from '../observe/metrics'

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
