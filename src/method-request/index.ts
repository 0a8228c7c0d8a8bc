import type { RouteTable } from '../definitions/table'
import type { Invocation } from '../invocation'
import { createPlanIndex } from './usage-plans'
import { checkAccountThrottle, checkStageThrottle } from './throttle'
import { checkApiKey } from './api-key'

/**
 * Method request: what AWS checks before the integration (../shared/spec §0, steps 2–5):
 * throttling, then the API key and its usage plan.
 * @example const methodRequest = createMethodRequest(table); await methodRequest(inv)
 */
export function createMethodRequest(table: RouteTable) {
  const plans = createPlanIndex(table)
  return async function methodRequest(inv: Invocation): Promise<void> {
    checkAccountThrottle(inv.env.GATEWAY_ACCOUNT_THROTTLE)
    await checkStageThrottle(inv)
    if (inv.method!.apiKeyRequired) await checkApiKey(inv, plans)
  }
}
