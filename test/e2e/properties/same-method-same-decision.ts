import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { expect } from 'vitest'
import type { World } from './world'
import type { Reply } from './raw-socket'
import { canonicalPath, spelledPath, spelledWithValue } from './paths'
import { adminToken, apiKey, apiKeyName, deniedId, stage, usagePlan } from './api'

/**
 * Invariant (a): every spelling the router sends to one method with the same parameter
 * values gets the same authorizer decision, the same response-cache entry and the same API
 * key check as the plain spelling.
 */

/** What an authorizer decided, and where the request went when it was let through. */
const decision = (reply: Reply) => ({
  status: reply.status,
  errorType: reply.headers['x-amzn-errortype'],
  routedTo: reply.status === 200 ? routedTo(reply) : undefined,
})

const routedTo = (reply: Reply) => {
  const { resource, id } = JSON.parse(reply.body.toString('utf8')) as { resource: string; id: string }
  return { resource, id: decodeURIComponent(id.replace(/\+/g, ' ')) }
}

/**
 * `/auth/{id}` (TOKEN authorizer) or `/rauth/{id}` (REQUEST authorizer): the policy denies
 * `GET/<resource>/secret` and allows every other GET, whatever the spelling.
 * @example await holds(sameAuthorizerDecision(world, 'auth', [['Authorization', 'Bearer t']]), { runs: 100, timeLimitMs: 12_000 })
 */
export function sameAuthorizerDecision(world: World, resource: 'auth' | 'rauth', identity: [string, string][]) {
  return fc.asyncProperty(spelledWithValue([stage, resource]), async ({ id, spelling }) => {
    const plain = decision((await world.send({ target: canonicalPath([stage, resource, id]), headers: identity })).reply)
    // The oracle itself: the plain spelling gets the policy's answer.
    expect(plain, `GET ${canonicalPath([stage, resource, id])}`).toEqual(
      id === deniedId
        ? { status: 403, errorType: 'AccessDeniedException', routedTo: undefined }
        : { status: 200, errorType: undefined, routedTo: { resource: `/${resource}/{id}`, id } },
    )
    const spelled = decision((await world.send({ target: spelling, headers: identity })).reply)
    expect(spelled, `GET ${spelling}`).toEqual(plain)
  })
}

const ID = '{id}'
const suiteRun = randomUUID().slice(0, 8)
let fresh = 0

/**
 * `/cached/{id}`, cached by `method.request.path.id`: the first spelling misses and stores,
 * the second is then a hit and never reaches the backend. The parameter's own characters are
 * kept as they are: the cache key holds the raw value, as AWS's `method.request.path.id`
 * does, so `%78` and `x` are two values (docs/testing.md).
 * @example await holds(sameCacheEntry(world), { runs: 60, timeLimitMs: 8_000 })
 */
export function sameCacheEntry(world: World) {
  const cachedPath = spelledPath([stage, 'cached', { verbatim: ID }])
  return fc.asyncProperty(cachedPath, cachedPath, async (first, second) => {
    // A value no earlier run (or shrinking step) stored.
    const id = `${suiteRun}-${++fresh}`
    const [a, b] = [first.replace(ID, id), second.replace(ID, id)]
    const stored = await world.send({ target: a })
    expect({ status: stored.reply.status, cache: stored.reply.headers['x-cache'] }, `GET ${a}`).toEqual({ status: 200, cache: 'Miss' })
    const again = await world.send({ target: b })
    expect({ status: again.reply.status, cache: again.reply.headers['x-cache'], backendCalls: again.reached.backend.length }, `GET ${a}, then GET ${b}`).toEqual({
      status: 200,
      cache: 'Hit',
      backendCalls: 0,
    })
  })
}

/**
 * `/keyed/{id}` needs an API key: without it every spelling is 403 and reaches nothing; with
 * it every spelling reaches the method and counts once against the key's quota.
 * @example await holds(sameApiKeyCheck(world), { runs: 40, timeLimitMs: 8_000 })
 */
export function sameApiKeyCheck(world: World) {
  const quotaUsed = async () => {
    const admin = (path: string) => world.send({ target: `/_gateway/admin${path}`, headers: [['Authorization', `Bearer ${adminToken}`]] })
    const keys = JSON.parse((await admin('/apikeys')).reply.body.toString('utf8')) as { items: { id: string; name: string }[] }
    const keyId = keys.items.find((k) => k.name === apiKeyName)!.id
    return (JSON.parse((await admin(`/usageplans/${usagePlan}/usage?keyId=${keyId}`)).reply.body.toString('utf8')) as { used: number }).used
  }
  // Usage counts tokens out on lease until they come back, within a lease time (docs/usage-plans.md):
  // wait for it to settle on the figure, up to well past that.
  const settledUsage = async (want: number) => {
    const end = Date.now() + 2000
    let used = await quotaUsed()
    while (used !== want && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      used = await quotaUsed()
    }
    return used
  }
  return fc.asyncProperty(spelledWithValue([stage, 'keyed']), async ({ id, spelling }) => {
    const without = await world.send({ target: spelling })
    expect({ status: without.reply.status, errorType: without.reply.headers['x-amzn-errortype'], reached: without.reached.backend.length }, `GET ${spelling} without a key`).toEqual({
      status: 403,
      errorType: 'ForbiddenException',
      reached: 0,
    })
    const before = await quotaUsed()
    const keyed = await world.send({ target: spelling, headers: [['x-api-key', apiKey]] })
    expect(
      { status: keyed.reply.status, reached: keyed.reached.backend.map((r) => decodeURIComponent(r.url)), quotaUsed: await settledUsage(before + 1) },
      `GET ${spelling} with the key`,
    ).toEqual({ status: 200, reached: [`/public/keyed/${id}`], quotaUsed: before + 1 })
  })
}
