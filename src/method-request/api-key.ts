import type { Invocation } from '../invocation'
import type { KeyLeaseInfo, KeyRefusal } from '../durable/api-key-object'
import type { PlanIndex } from './usage-plans'
import { GatewayError } from '../gateway-responses/error'
import { keyObject } from '../durable/key-object'
import { guardLease } from './fail-mode'
import { leaseIo } from './lease-io'
import { LeaseHolder } from './lease-holder'
import { holderBook } from './holder-book'

/** What `admitKey` needs of a request: its environment, stage and context (REST method or WebSocket route alike). */
export type KeyedRequest = Pick<Invocation, 'env' | 'api' | 'stage'> & { ctx?: ExecutionContext }

/** What a request past its key's limits gets when the tokens went to other requests before it. */
const busy: KeyRefusal = { reason: 'THROTTLED', retryAfter: 1 }

/**
 * API keys decided by each key's own Durable Object, through token leases (docs/usage-plans.md):
 * the isolate spends admissions the object debited in advance, so a busy key costs about one
 * object call per half lease time instead of one per request.
 * @example
 * const admitKey = createKeyAdmission()
 * const admitted = await admitKey(inv, value, plans.termsFor(inv.stage, inv.method, value, inv.env))
 */
export function createKeyAdmission() {
  const holders = holderBook(() => new LeaseHolder<KeyLeaseInfo, KeyRefusal>(busy))

  /**
   * One request's admission: the admitted key (its id and quota figures), undefined when the
   * object failed and the stage fails open, or AWS's refusal thrown (403 INVALID_API_KEY, 429
   * THROTTLED or QUOTA_EXCEEDED).
   */
  return async function admitKey(inv: KeyedRequest, value: string, terms: string): Promise<KeyLeaseInfo | undefined> {
    // Outside the guard: a missing API_KEYS binding refuses even with throttlingFailOpen (required-bindings.ts).
    keyObject(inv.env, value)
    const holder = holders.get(`${value}\n${terms}`)
    const admission = await guardLease(inv, () => holder.admit(leaseIo(inv, (ask) => keyObject(inv.env, value).lease(terms, ask))))
    if (!admission) return undefined
    if (admission.ok) {
      const { info } = admission
      return info.remaining === undefined ? info : { ...info, remaining: info.remaining + admission.unspent }
    }
    const refusal = admission.refusal
    if (refusal.reason === 'INVALID_API_KEY') throw new GatewayError('INVALID_API_KEY')
    throw new GatewayError(refusal.reason, { headers: rateLimitHeaders(inv, refusal, refusal.retryAfter) })
  }
}

export type KeyAdmission = ReturnType<typeof createKeyAdmission>

/**
 * API key and usage plan (../shared/spec §0 step 4, §6): the `x-api-key` header (or, with key
 * source AUTHORIZER, the authorizer's `usageIdentifierKey`) must name an enabled key on a plan for
 * this stage, within the plan's rate, burst and quota, as the key's own Durable Object decides.
 */
export async function checkApiKey(inv: Invocation, plans: PlanIndex, admitKey: KeyAdmission): Promise<void> {
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
