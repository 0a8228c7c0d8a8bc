import type { RouteTable } from '../definitions/table'
import type { Invocation } from '../invocation'
import { createPlanIndex } from './usage-plans'
import { checkAccountThrottle, checkStageThrottle } from './throttle'
import { checkApiKey } from './api-key'
import { validateRequest } from './request-validation'
import { authorize } from './authorizer'

/**
 * Method request: what AWS checks before the integration (../shared/spec §0, steps 2–5):
 * throttling, then the authorizer, then the API key and its usage plan (after the authorizer,
 * which may supply the key), then request validation. Throttling comes first so that a flood
 * is refused before it reaches an authorizer function.
 * @example const methodRequest = createMethodRequest(table); await methodRequest(inv)
 */
export function createMethodRequest(table: RouteTable) {
  const plans = createPlanIndex(table)
  /** Undefined when every check was decided at once (no authorizer, no key, no stage limit, no body model): no promise to await. */
  return function methodRequest(inv: Invocation): Promise<void> | undefined {
    const method = inv.method!
    checkAccountThrottle(inv.env.GATEWAY_ACCOUNT_THROTTLE)
    let pending = checkStageThrottle(inv)
    if (method.authorizer) pending = andThen(pending, () => authorize(inv))
    if (method.apiKeyRequired) pending = andThen(pending, () => checkApiKey(inv, plans))
    if (method.validation) pending = andThen(pending, () => validateRequest(inv))
    return pending
  }
}

/** `next` once `first` has settled, or at once when there was nothing to wait for. */
const andThen = (first: Promise<void> | undefined, next: () => Promise<void> | undefined): Promise<void> | undefined =>
  first ? first.then(next) : next()
