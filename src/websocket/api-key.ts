import type { RouteTable } from '../definitions/table'
import type { WebSocketInvocation } from './invocation'
import { GatewayError } from '../gateway-responses/error'
import { createKeyAdmission } from '../method-request/api-key'
import { createPlanIndex } from '../method-request/usage-plans'

/**
 * API keys on WebSocket APIs, decided by the same per-key Durable Objects and usage plans as REST
 * methods (a plan's `apiStages` names the WebSocket API's stage). The key is selected on the
 * handshake by `apiKeySelectionExpression` and kept in the connection's state; refusals are AWS's
 * (403 Forbidden, 429 Too Many Requests / Limit Exceeded).
 * @example const keys = createWebSocketKeys(table); await keys.connect(inv, staged.keyPlans)
 */
export function createWebSocketKeys(table: RouteTable) {
  const index = createPlanIndex(table)
  const admitKey = createKeyAdmission()
  return {
    /**
     * `$connect` with `apiKeyRequired`: the handshake's `x-api-key` header, or with
     * `$context.authorizer.usageIdentifierKey` the `$connect` authorizer's, must name an enabled key
     * on a plan for this stage, within its throttle and quota (the handshake counts as one request).
     */
    async connect(inv: WebSocketInvocation, keyPlans: string, usageIdentifierKey: string | undefined): Promise<void> {
      const value = inv.ws.apiKeySource === 'AUTHORIZER' ? usageIdentifierKey : inv.headers['x-api-key']
      if (!value) throw new GatewayError('INVALID_API_KEY')
      const admitted = await admitKey(inv, value, index.termsWith(keyPlans, value, inv.env))
      // Failing open lifts the limits, never the key check: only a key the definitions vouch for passes.
      const id = admitted ? admitted.keyId : index.definedKeyIdWith(keyPlans, value, inv.env)
      if (id === undefined) throw new GatewayError('API_CONFIGURATION_ERROR')
      inv.connection.apiKey = { value, id }
      // `$context.identity.apiKey` is read from the connection: build the context again.
      inv.context = undefined
    },

    /**
     * A message to a route with `apiKeyRequired` counts against the connection's key as one request
     * of its plan (throttle and quota), and is refused once the key is disabled or removed.
     */
    async message(inv: WebSocketInvocation, keyPlans: string): Promise<void> {
      const key = inv.connection.apiKey
      if (!key) throw new GatewayError('INVALID_API_KEY')
      await admitKey(inv, key.value, index.termsWith(keyPlans, key.value, inv.env))
    },
  }
}
