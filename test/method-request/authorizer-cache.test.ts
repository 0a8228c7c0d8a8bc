import { describe, expect, it } from 'vitest'
import { AuthorizerCache, forgetStageAuthorizers } from '../../src/method-request/authorizer-cache'

describe('authorizer result cache (per isolate)', () => {
  it('serves a result for the TTL, then loads it again', async () => {
    const cache = new AuthorizerCache<string>()
    let loads = 0
    const load = async () => `result ${++loads}`
    expect(await cache.get('k', 300, load, 0).value).toBe('result 1')
    const again = cache.get('k', 300, load, 299_999)
    expect(again.cached).toBe(true)
    expect(await again.value).toBe('result 1')
    expect(await cache.get('k', 300, load, 300_000).value).toBe('result 2')
  })

  it('keeps identities apart', async () => {
    const cache = new AuthorizerCache<string>()
    expect(await cache.get('alice', 60, async () => 'a', 0).value).toBe('a')
    expect(await cache.get('bob', 60, async () => 'b', 0).value).toBe('b')
  })

  it('keeps nothing with TTL 0', async () => {
    const cache = new AuthorizerCache<string>()
    await cache.get('k', 0, async () => 'x', 0).value
    expect(cache.get('k', 0, async () => 'y', 1).cached).toBe(false)
    expect(cache.size).toBe(0)
  })

  it('forgets failures, so the next request invokes again', async () => {
    const cache = new AuthorizerCache<string>()
    await expect(cache.get('k', 300, async () => Promise.reject(new Error('boom')), 0).value).rejects.toThrow('boom')
    await Promise.resolve()
    expect(await cache.get('k', 300, async () => 'ok', 1).value).toBe('ok')
  })

  it('keeps only settled results: requests during the first call make their own', async () => {
    const cache = new AuthorizerCache<string>()
    let loads = 0
    const load = () => new Promise<string>((resolve) => setTimeout(() => resolve(`r${++loads}`), 5))
    const [a, b] = [cache.get('k', 300, load, 0), cache.get('k', 300, load, 1)]
    expect(await Promise.all([a.value, b.value])).toEqual(['r1', 'r2'])
    const after = cache.get('k', 300, load, 2)
    expect(after.cached).toBe(true)
    expect(loads).toBe(2)
  })

  it('drops the oldest entry when full', async () => {
    const cache = new AuthorizerCache<string>(2)
    for (const k of ['a', 'b', 'c']) await cache.get(k, 60, async () => k, 0).value
    expect(cache.size).toBe(2)
    expect(cache.get('a', 60, async () => 'again', 1).cached).toBe(false)
  })

  it('FlushStageAuthorizersCache drops one stage’s results from every cache, and only that stage’s', async () => {
    const rest = new AuthorizerCache<string>()
    const websocket = new AuthorizerCache<string>()
    const key = (api: string, stage: string) => JSON.stringify([api, stage, 'auth', ['token']])
    for (const cache of [rest, websocket]) {
      await cache.get(key('api1', 'prod'), 300, async () => 'x', 0).value
      await cache.get(key('api1', 'prod-2'), 300, async () => 'x', 0).value
      await cache.get(key('api2', 'prod'), 300, async () => 'x', 0).value
    }
    forgetStageAuthorizers('api1', 'prod')
    for (const cache of [rest, websocket]) {
      expect(cache.get(key('api1', 'prod'), 300, async () => 'y', 1).cached).toBe(false)
      expect(cache.get(key('api1', 'prod-2'), 300, async () => 'y', 1).cached).toBe(true)
      expect(cache.get(key('api2', 'prod'), 300, async () => 'y', 1).cached).toBe(true)
    }
  })
})
