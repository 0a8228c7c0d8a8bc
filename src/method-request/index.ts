import type { RouteTable } from '../definitions/table'
import type { Invocation } from '../invocation'
import { createPlanIndex } from './usage-plans'
import { createThrottle } from './throttle'
import { checkApiKey, createKeyAdmission } from './api-key'
import { createRequestValidator } from './request-validation'
import { createAuthorizer } from './authorizer'
import { logUsagePlanCheck } from '../observe/execution-log/lines'

/**
 * Method request, in AWS's order (../shared/spec §0, steps 3–5): the authorizer, then
 * throttling and the API key with its usage plan (the key may come from the authorizer), then
 * request validation. Where AWS throttles is unverified; the reference places it in step 4.
 * @example const methodRequest = createMethodRequest(table); await methodRequest(inv)
 */
export function createMethodRequest(table: RouteTable) {
  const authorize = createAuthorizer(table)
  const validateRequest = createRequestValidator(table)
  const plans = createPlanIndex(table)
  const throttle = createThrottle(table)
  const admitKey = createKeyAdmission()
  /** Undefined when every check was decided at once (no authorizer, no key, no stage limit, no body model): no promise to await. */
  return function methodRequest(inv: Invocation): Promise<void> | undefined {
    const method = inv.method!
    let pending = method.authorizer ? andThen(authorize(inv), () => throttle(inv)) : throttle(inv)
    if (method.apiKeyRequired) pending = andThen(pending, () => checkApiKey(inv, plans, admitKey))
    if (inv.log?.info) pending = andThen(pending, () => logUsagePlanCheck(inv))
    if (method.validation) pending = andThen(pending, () => validateRequest(inv))
    return pending
  }
}

/** `next` once `first` has settled, or at once when there was nothing to wait for. */
const andThen = (first: Promise<void> | undefined, next: () => Promise<void> | undefined): Promise<void> | undefined =>
  first ? first.then(next) : next()
