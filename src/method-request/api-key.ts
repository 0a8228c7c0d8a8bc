import type { Invocation } from '../invocation'
import type { AdmitResult } from '../durable/api-key-object'
import type { PlanIndex } from './usage-plans'
import { GatewayError } from '../gateway-responses/error'
import { keyObject } from '../durable/key-object'
import { guardDurableCall } from './fail-mode'

/**
 * API key and usage plan (../shared/spec §0 step 4, §6): the `x-api-key` header (or, with key
 * source AUTHORIZER, the authorizer's `usageIdentifierKey`) must name an
 * enabled key on a plan for this stage, within the plan's rate, burst and quota. The whole
 * decision is one call to the key's own Durable Object.
 */
export async function checkApiKey(inv: Invocation, plans: PlanIndex): Promise<void> {
  // AUTHORIZER: the key is the Lambda authorizer's usageIdentifierKey (../shared/spec §1.1).
  const value = inv.api.apiKeySource === 'AUTHORIZER' ? inv.authorizer?.usageIdentifierKey : inv.headers['x-api-key']
  if (!value) throw new GatewayError('INVALID_API_KEY')
  const result = await admitKey(inv, value, plans.termsFor(inv.stage, inv.method!, value, inv.env))
  if (!result) {
    // Failing open lifts the limits, never the key check: only a key the definitions vouch for passes.
    const keyId = plans.definedKeyId(inv.stage, inv.method!, value, inv.env)
    if (keyId === undefined) throw new GatewayError('API_CONFIGURATION_ERROR')
    inv.apiKey = { value, id: keyId }
    return
  }
  // Read into $context.identity when a template or mapping asks for it.
  inv.apiKey = { value, id: result.keyId }
  // A REQUEST authorizer may have built $context already.
  if (inv.context) Object.assign(inv.context.identity as object, { apiKey: value, apiKeyId: result.keyId })
  const headers = rateLimitHeaders(inv, result)
  if (headers) for (const [name, v] of Object.entries(headers)) (inv.responseHeaders ??= new Headers()).set(name, v)
}

/** What `admitKey` needs of a request: its environment and stage (REST method or WebSocket route alike). */
export type KeyedRequest = Pick<Invocation, 'env' | 'stage'>

/**
 * One request's decision by the key's own Durable Object: the admitted key (its id and quota
 * figures), undefined when the object failed and the stage fails open, or AWS's refusal thrown
 * (403 INVALID_API_KEY, 429 THROTTLED or QUOTA_EXCEEDED).
 * @example const admitted = await admitKey(inv, value, plans.termsWith(stagePlans, value, inv.env))
 */
export async function admitKey(inv: KeyedRequest, value: string, terms: string): Promise<Extract<AdmitResult, { ok: true }> | undefined> {
  // Outside the guard: a missing API_KEYS binding refuses even with throttlingFailOpen (required-bindings.ts).
  const key = keyObject(inv.env, value)
  // RPC types flatten the union; the object returns an AdmitResult.
  const result = await guardDurableCall(inv, async () => (await key.admitTerms(Date.now(), terms)) as unknown as AdmitResult)
  if (!result || result.ok) return result
  if (result.reason === 'INVALID_API_KEY') throw new GatewayError('INVALID_API_KEY')
  throw new GatewayError(result.reason, { headers: rateLimitHeaders(inv, result, result.retryAfter) })
}

/** Beyond AWS, when the stage enables it: the IETF draft's RateLimit-* fields, and Retry-After on 429. */
function rateLimitHeaders(inv: KeyedRequest, r: { limit?: number; remaining?: number; resetSeconds?: number }, retryAfter?: number) {
  if (!inv.stage.rateLimitHeaders) return undefined
  const headers: Record<string, string> = {}
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, retryAfter))
  if (r.limit !== undefined) headers['ratelimit-limit'] = String(r.limit)
  if (r.remaining !== undefined) headers['ratelimit-remaining'] = String(Math.max(0, r.remaining))
  if (r.resetSeconds !== undefined) headers['ratelimit-reset'] = String(r.resetSeconds)
  return headers
}
