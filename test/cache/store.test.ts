import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/env'
import { decodeEntry, encodeEntry, flushStage, readEntry, writeEntry, type CacheEntry } from '../../src/cache/store'
import { cacheIdentity, kvKeyOf } from '../../src/cache/key'
import type { Invocation } from '../../src/invocation'
import type { MethodCache } from '../../src/cache/settings'
import { readClientHeaders } from '../../src/method-request/limits'

const kv = (env as Env).CACHE!

const entry = (body: Uint8Array, ttlMs: number, now = Date.now()): CacheEntry => ({
  status: 201,
  headers: [
    ['content-type', 'application/octet-stream'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
  ],
  body,
  storedAt: now,
  expiresAt: now + ttlMs,
})

describe('cache store (Workers KV)', () => {
  it('keeps status, repeated headers and every byte of a binary body', async () => {
    const body = Uint8Array.from({ length: 300 }, (_, i) => i % 256)
    const stored = entry(body, 300_000)
    await writeEntry(kv, 'api/dev/binary', encodeEntry(stored), stored)
    const read = await readEntry(kv, 'api/dev/binary')
    expect(read).not.toBeNull()
    expect(read!.status).toBe(201)
    expect(read!.headers).toEqual(stored.headers)
    expect([...read!.body]).toEqual([...body])
    expect(read!.expiresAt).toBe(stored.expiresAt)
  })

  it('hides an entry at its own expiry, though KV keeps it for its 60 s minimum', async () => {
    const now = Date.now()
    const stored = entry(new TextEncoder().encode('short'), 2_000, now)
    await writeEntry(kv, 'api/dev/short', encodeEntry(stored), stored)
    expect(await readEntry(kv, 'api/dev/short', now + 1_999)).not.toBeNull()
    expect(await readEntry(kv, 'api/dev/short', now + 2_000)).toBeNull()
    // Still in KV (its expirationTtl is 60 s): only the metadata expiry hides it.
    expect(await kv.get('api/dev/short')).not.toBeNull()
  })

  it('decodes what it encodes', () => {
    const stored = entry(new Uint8Array([0, 255, 10, 13]), 1000, 5)
    const value = encodeEntry(stored)
    const copy = value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength)
    expect(decodeEntry(copy as ArrayBuffer, { storedAt: 5, expiresAt: 1005 })).toEqual({ ...stored, body: new Uint8Array([0, 255, 10, 13]) })
  })

  it('flushes every entry of one stage and nothing else', async () => {
    const stored = entry(new Uint8Array([1]), 300_000)
    for (const key of ['flush/dev/a', 'flush/dev/b', 'flush/prod/a', 'flush-other/dev/a']) await writeEntry(kv, key, encodeEntry(stored), stored)
    expect(await flushStage(kv, 'flush', 'dev')).toEqual({ deleted: 2, complete: true })
    expect((await kv.list({ prefix: 'flush' })).keys.map((k) => k.name)).toEqual(['flush-other/dev/a', 'flush/prod/a'])
  })
})

describe('cache key', () => {
  const settings = { keyParameters: ['method.request.querystring.q', 'method.request.header.x-tenant', 'method.request.path.id'], namespace: '/pets/{id}' } as MethodCache
  const inv = (url: string, headers: Record<string, string> = {}, pathParameters: Record<string, string> = { id: '1' }) =>
    ({
      api: { id: 'pets' },
      stage: { name: 'dev' },
      request: new Request(url, { headers }),
      httpMethod: 'GET',
      headers: readClientHeaders(new Request(url, { headers })),
      search: new URL(url).search.slice(1),
      pathParameters,
    }) as unknown as Invocation

  it('holds only the listed parameters, all values of a repeated query string, and tells absent from empty', () => {
    const base = cacheIdentity(inv('http://gw/dev/pets/1?q=a'), settings)
    expect(cacheIdentity(inv('http://gw/dev/pets/1?q=a&unlisted=x', { 'x-other': 'y' }), settings)).toBe(base)
    expect(cacheIdentity(inv('http://gw/dev/pets/1?q=b'), settings)).not.toBe(base)
    expect(cacheIdentity(inv('http://gw/dev/pets/1?q=a&q=b'), settings)).not.toBe(base)
    expect(cacheIdentity(inv('http://gw/dev/pets/1?q=a', { 'x-tenant': 't1' }), settings)).not.toBe(base)
    expect(cacheIdentity(inv('http://gw/dev/pets/2?q=a', {}, { id: '2' }), settings)).not.toBe(base)
    expect(cacheIdentity(inv('http://gw/dev/pets/1?q='), settings)).not.toBe(cacheIdentity(inv('http://gw/dev/pets/1'), settings))
  })

  it('is a SHA-256 under the stage prefix in KV', async () => {
    const identity = cacheIdentity(inv('http://gw/dev/pets/1?q=a'), settings)
    const key = await kvKeyOf(identity)
    expect(key).toMatch(/^pets\/dev\/[0-9a-f]{64}$/)
    expect(await kvKeyOf(identity)).toBe(key)
    expect(await kvKeyOf(cacheIdentity(inv('http://gw/dev/pets/1?q=b'), settings))).not.toBe(key)
  })
})
