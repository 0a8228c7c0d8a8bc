import type { RouteTable } from '../definitions/table'
import type { Invocation } from '../invocation'
import { createPlanIndex } from './usage-plans'
import { checkAccountThrottle, checkStageThrottle } from './throttle'
import { checkApiKey } from './api-key'
import { withRequestValidation } from './request-validation'

/**
 * Method request: what AWS checks before the integration (../shared/spec §0, steps 2–5):
 * throttling, then the API key and its usage plan, then request validation.
 * @example const methodRequest = createMethodRequest(table); await methodRequest(inv)
 */
export function createMethodRequest(table: RouteTable) {
  const plans = createPlanIndex(table)
  /** Undefined when every check was decided at once (no key, no stage limit): no promise to await. */
  return withRequestValidation(function methodRequest(inv: Invocation): Promise<void> | undefined {
    checkAccountThrottle(inv.env.GATEWAY_ACCOUNT_THROTTLE)
    const stage = checkStageThrottle(inv)
    if (!inv.method!.apiKeyRequired) return stage
    return stage ? stage.then(() => checkApiKey(inv, plans)) : checkApiKey(inv, plans)
  })
}
