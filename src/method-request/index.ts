import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'

/**
 * Method request: what AWS checks before the integration (../shared/spec §0, steps 2–5).
 * Usage plans are not built yet, so a method that requires an API key fails closed with
 * AWS's 403 Forbidden rather than serving without the key check.
 */
export async function methodRequest(inv: Invocation): Promise<void> {
  if (inv.method!.apiKeyRequired) throw new GatewayError('INVALID_API_KEY')
}
