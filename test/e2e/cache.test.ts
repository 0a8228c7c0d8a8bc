import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { startBackend, type Backend } from './helpers/backend'
import { freePort } from './helpers/gateway'
import { routesDir } from './helpers/routes'
import { bundleCacheStore } from '../../src/cli/serve'
import { cacheStoreModule, compatibilityDate } from '../../src/cli/workerd-config'

const ADMIN = 'e2e-cache-admin-token'
const binaryBody = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

const get = (path: string, op = '') => `
    get:
      parameters: [{ name: q, in: query }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:PORT/n${path}
        cacheKeyParameters: [method.request.querystring.q]${op}`

const cachedStage = `
      cacheClusterEnabled: true
      cacheStatusHeader: true
      methodSettings:
        '*/*': { cachingEnabled: true }
        '/short/GET': { cacheTtlInSeconds: 2 }
        '/strict/GET': { unauthorizedCacheControlHeaderStrategy: FAIL_WITH_403 }
        '/open/GET': { requireAuthorizationForCacheControl: false }`

/** Two cached stages of one API: `live` keeps hot entries in memory, `direct` reads KV on every hit. */
const api = (port: number) =>
  `openapi: 3.0.1
info: { title: cached, version: '1' }
x-amazon-apigateway-binary-media-types: ['application/octet-stream']
x-gateway:
  apiId: cached
  stages:
    live:${cachedStage}
    direct:${cachedStage}
      cacheMemoryTtlInSeconds: 0
    plain: {}
paths:
  /items:${get('/items')}
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: 'http://127.0.0.1:PORT/n/items' }
  /short:${get('/short')}
  /strict:${get('/strict')}
  /open:${get('/open')}
  /binary:${get('/binary')}
  /stream:${get('/stream')}
`.replaceAll('PORT', String(port))

let fixture: Fixture
let served = 0
/** Backend responses to /n/stream held open until the test ends them. */
const streaming: { end(chunk: string): void }[] = []

beforeAll(async () => {
  fixture = await serveWithBackend(
    (port) => ({ 'cached.yaml': api(port) }),
    {
      '/n/stream': (_req, res) => {
        served++
        res.setHeader('content-type', 'text/plain')
        res.write(`first half of response ${served}\n`)
        streaming.push(res)
      },
      '/n/binary': (_req, res) => {
        served++
        res.setHeader('content-type', 'application/octet-stream')
        res.end(binaryBody)
      },
      // Each backend response says how many the backend has served: a cached copy shows an old number.
      '/n/': (req, res) => {
        served++
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ n: served, url: req.url }))
      },
    },
    { GATEWAY_ADMIN_TOKEN: ADMIN },
  )
}, 90_000)

afterAll(async () => {
  await fixture?.stop()
})

const call = (path: string, headers: Record<string, string> = {}, method = 'GET') => rawRequest(fixture.gateway.url, { method, path, headers })
const n = (res: RawResponse) => (JSON.parse(res.text) as { n: number }).n
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(20)
  }
}

describe('response cache over gateway serve', () => {
  for (const stage of ['live', 'direct']) {
    it(`serves a repeated GET from the cache (${stage}): the backend sees it once`, async () => {
      const before = served
      const first = await call(`/${stage}/items?q=hit`)
      expect(first.status).toBe(200)
      expect(first.headers['x-cache']).toBe('Miss')
      const second = await call(`/${stage}/items?q=hit`)
      expect(second.headers['x-cache']).toBe('Hit')
      expect(n(second)).toBe(n(first))
      expect(second.headers.age).toMatch(/^\d+$/)
      expect(second.headers['x-amzn-requestid']).not.toBe(first.headers['x-amzn-requestid'])
      expect(served).toBe(before + 1)
    })
  }

  it('misses when a cache key parameter differs, and ignores parameters not listed', async () => {
    const one = await call('/direct/items?q=k1')
    const two = await call('/direct/items?q=k2')
    expect(two.headers['x-cache']).toBe('Miss')
    expect(n(two)).toBe(n(one) + 1)
    const unlisted = await call('/direct/items?q=k1&page=9')
    expect(unlisted.headers['x-cache']).toBe('Hit')
    expect(n(unlisted)).toBe(n(one))
  })

  it('expires an entry after a 2 s TTL, under KV’s 60 s minimum', async () => {
    const first = await call('/direct/short')
    expect((await call('/direct/short')).headers['x-cache']).toBe('Hit')
    await sleep(3_000)
    const after = await call('/direct/short')
    expect(after.headers['x-cache']).toBe('Miss')
    expect(n(after)).toBeGreaterThan(n(first))
  })

  it('keeps binary bodies byte for byte', async () => {
    await call('/direct/binary')
    const hit = await call('/direct/binary')
    expect(hit.headers['x-cache']).toBe('Hit')
    expect(hit.body.equals(binaryBody)).toBe(true)
  })

  it('never makes a request wait on another one still streaming its miss', async () => {
    const slow = new Promise<RawResponse>((resolve, reject) => {
      rawRequest(fixture.gateway.url, { path: '/live/stream' }).then(resolve, reject)
    })
    const streams = () => fixture.backend.received.filter((r) => r.url === '/n/stream').length
    await until(() => streams() === 1)
    const meanwhile = rawRequest(fixture.gateway.url, { path: '/live/stream' })
    await until(() => streams() === 2)
    // The second request reached the backend on its own while the first was still streaming.
    for (const res of streaming.splice(0)) res.end('second half\n')
    expect((await slow).status).toBe(200)
    expect((await meanwhile).headers['x-cache']).toBe('Miss')
  })

  it('does not cache POST', async () => {
    const before = served
    await call('/live/items', {}, 'POST')
    const second = await call('/live/items', {}, 'POST')
    expect(second.headers['x-cache']).toBeUndefined()
    expect(served).toBe(before + 2)
  })

  it('serves uncached on a stage without a cache', async () => {
    const first = await call('/plain/items?q=p')
    const second = await call('/plain/items?q=p')
    expect(second.headers['x-cache']).toBeUndefined()
    expect(n(second)).toBe(n(first) + 1)
  })
})

describe('Cache-Control: max-age=0 over gateway serve', () => {
  const refresh = { 'cache-control': 'max-age=0' }

  it('ignores it from an unauthorized client with a Warning header (the default strategy)', async () => {
    const first = await call('/live/items?q=unauth')
    const again = await call('/live/items?q=unauth', refresh)
    expect(again.headers['x-cache']).toBe('Hit')
    expect(again.headers.warning).toMatch(/^199 /)
    expect(n(again)).toBe(n(first))
  })

  it('answers 403 under FAIL_WITH_403', async () => {
    await call('/live/strict')
    const denied = await call('/live/strict', refresh)
    expect(denied.status).toBe(403)
  })

  it('refreshes the entry for the admin token, and for anyone when authorization is not required', async () => {
    const first = await call('/live/items?q=admin')
    const refreshed = await call('/live/items?q=admin', { ...refresh, authorization: `Bearer ${ADMIN}` })
    expect(refreshed.headers['x-cache']).toBe('Miss')
    expect(n(refreshed)).toBeGreaterThan(n(first))
    const next = await call('/live/items?q=admin')
    expect(next.headers['x-cache']).toBe('Hit')
    expect(n(next)).toBe(n(refreshed))

    const open = await call('/direct/open')
    const openRefresh = await call('/direct/open', refresh)
    expect(n(openRefresh)).toBeGreaterThan(n(open))
  })
})

describe('stage cache flush over gateway serve', () => {
  it('empties the stage: the next request reaches the backend', async () => {
    const admin = { authorization: `Bearer ${ADMIN}` }
    const first = await call('/direct/items?q=flush')
    expect((await call('/direct/items?q=flush')).headers['x-cache']).toBe('Hit')
    const flushed = await rawRequest(fixture.gateway.url, { method: 'DELETE', path: '/_gateway/admin/stages/direct/cache', headers: admin })
    expect(flushed.status).toBe(202)
    expect(JSON.parse(flushed.text)).toMatchObject({ apiId: 'cached', stage: 'direct', complete: true })
    expect(JSON.parse(flushed.text).deleted).toBeGreaterThanOrEqual(1)
    const after = await call('/direct/items?q=flush')
    expect(after.headers['x-cache']).toBe('Miss')
    expect(n(after)).toBeGreaterThan(n(first))
  })
})

describe('gateway serve --state', () => {
  it('keeps cached responses across a restart (KV on Durable Object SQLite)', async () => {
    const backend: Backend = await startBackend({
      '/n/': (_req, res) => {
        res.end(JSON.stringify({ n: Math.random() }))
      },
    })
    const routes = await routesDir({ 'cached.yaml': api(backend.port) })
    const state = await mkdtemp(join(tmpdir(), 'gateway-cache-state-'))
    try {
      const first = await withGateway(routes.dir, state, (url) => rawRequest(url, { path: '/live/items?q=kept' }))
      const second = await withGateway(routes.dir, state, (url) => rawRequest(url, { path: '/live/items?q=kept' }))
      expect(second.headers['x-cache']).toBe('Hit')
      expect(second.text).toBe(first.text)
      expect(backend.received.length).toBe(1)
    } finally {
      await backend.close()
      await routes.remove()
      await rm(state, { recursive: true, force: true })
    }
  })
})

const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))

describe('gateway validate on cache settings', () => {
  const validate = async (text: string) => {
    const routes = await routesDir({ 'api.yaml': text })
    try {
      await promisify(execFile)(process.execPath, [bin, 'validate', routes.dir])
      return { code: 0, stderr: '' }
    } catch (e) {
      const err = e as { code: number; stderr: string }
      return { code: err.code, stderr: err.stderr }
    } finally {
      await routes.remove()
    }
  }

  it('fails on a TTL over 3600, an unknown strategy and an undeclared cache key parameter', async () => {
    const settings = await validate(
      api(1).replace("'/short/GET': { cacheTtlInSeconds: 2 }", "'/short/GET': { cacheTtlInSeconds: 7200 }").replace('FAIL_WITH_403', 'FAIL_LOUDLY'),
    )
    expect(settings.code).toBe(1)
    expect(settings.stderr).toContain('cacheTtlInSeconds: must be at most 3600')
    expect(settings.stderr).toContain('unauthorizedCacheControlHeaderStrategy: must be one of FAIL_WITH_403')
    const keys = await validate(api(1).replace('/n/binary\n        cacheKeyParameters: [method.request.querystring.q]', '/n/binary\n        cacheKeyParameters: [method.request.querystring.page]'))
    expect(keys.code).toBe(1)
    expect(keys.stderr).toContain('method.request.querystring.page names no request parameter of this method')
  })

  it('passes with a warning when a path parameter is not a cache key parameter', async () => {
    const withPath = api(1).replace('  /binary:', "  /pets/{id}:\n    get:\n      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{\"statusCode\": 200}' }, responses: { default: { statusCode: '200' } } }\n  /binary:")
    const routes = await routesDir({ 'api.yaml': withPath })
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'validate', routes.dir])
      expect(stdout).toContain('1 API valid')
      expect(stderr).toMatch(/^warning: .*\["\/pets\/\{id\}"\].*\/pets\/1 and \/pets\/2 share one cache entry/m)
    } finally {
      await routes.remove()
    }
  })
})

/** `gateway serve --state DIR` for one callback, then SIGTERM. */
async function withGateway<T>(routes: string, state: string, use: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort()
  const child = spawn(process.execPath, [bin, 'serve', '--routes', routes, '--port', String(port), '--state', state], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 45_000)
      const onData = (d: Buffer) => {
        output += d
        if (/ready http:\/\//.test(output)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout!.on('data', onData)
      child.stderr!.on('data', (d) => (output += d))
      child.once('exit', () => reject(new Error(`gateway exited:\n${output}`)))
    })
    return await use(`http://127.0.0.1:${port}`)
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

describe('the self-hosted Workers KV store', () => {
  let stop: () => Promise<void> = async () => {}
  let url = ''

  // A probe Worker drives workerd's own kvNamespace binding against the store and reports back.
  const probe = `export default {
  async fetch(request, env) {
    const kv = env.KV
    const step = new URL(request.url).pathname.slice(1)
    const attempt = async (f) => { try { return { ok: await f() } } catch (e) { return { error: String(e.message ?? e) } } }
    const big = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => i % 251)
    switch (step) {
      case 'roundtrip': {
        await kv.put('a/1', new Uint8Array([0, 1, 255]), { expirationTtl: 60, metadata: { expiresAt: 5 } })
        const got = await kv.getWithMetadata('a/1', 'arrayBuffer')
        return Response.json({ bytes: [...new Uint8Array(got.value)], metadata: got.metadata, missing: await kv.get('a/none') })
      }
      case 'large': {
        await kv.put('large', big)
        const got = new Uint8Array(await kv.get('large', 'arrayBuffer'))
        return Response.json({ length: got.length, same: got.every((b, i) => b === big[i]) })
      }
      case 'limits':
        return Response.json({
          shortTtl: await attempt(() => kv.put('t', 'v', { expirationTtl: 59 })),
          longKey: await attempt(() => kv.put('k'.repeat(513), 'v')),
          bigMetadata: await attempt(() => kv.put('m', 'v', { metadata: { x: 'y'.repeat(1100) } })),
          tooLarge: await attempt(() => kv.put('huge', new Uint8Array(25 * 1024 * 1024 + 1))),
        })
      case 'list': {
        for (const k of ['p/a', 'p/b', 'p/c', 'q/a']) await kv.put(k, k)
        const page1 = await kv.list({ prefix: 'p/', limit: 2 })
        const page2 = await kv.list({ prefix: 'p/', limit: 2, cursor: page1.cursor })
        await kv.delete('p/b')
        const after = await kv.list({ prefix: 'p/' })
        return Response.json({ page1: page1.keys.map((k) => k.name), complete1: page1.list_complete, page2: page2.keys.map((k) => k.name), complete2: page2.list_complete, after: after.keys.map((k) => k.name) })
      }
    }
    return new Response('no such step', { status: 404 })
  },
}`

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-kv-store-'))
    await bundleCacheStore(join(dir, cacheStoreModule))
    await writeFile(join(dir, 'probe.js'), probe)
    const port = await freePort()
    await writeFile(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "probe", worker = .probe), (name = "cache-kv", worker = .store), (name = "disk", disk = (path = ${JSON.stringify(dir)}, writable = true)) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "probe") ],
);
const probe :Workerd.Worker = ( modules = [ (name = "probe.js", esModule = embed "probe.js") ], compatibilityDate = "${compatibilityDate}", bindings = [ (name = "KV", kvNamespace = "cache-kv") ] );
const store :Workerd.Worker = (
  modules = [ (name = "${cacheStoreModule}", esModule = embed "${cacheStoreModule}") ],
  compatibilityDate = "${compatibilityDate}",
  bindings = [ (name = "STORE", durableObjectNamespace = "KvStore") ],
  durableObjectNamespaces = [ (className = "KvStore", uniqueKey = "kv-store-test", enableSql = true) ],
  durableObjectStorage = (localDisk = "disk"),
);
`,
    )
    const workerd = join(createRequire(import.meta.url).resolve('workerd/package.json'), '..', 'bin', 'workerd')
    const child = spawn(workerd, ['serve', join(dir, 'config.capnp')], { stdio: 'ignore' })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    stop = async () => {
      child.kill('SIGTERM')
      const late = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(late)
      await rm(dir, { recursive: true, force: true })
    }
    url = `http://127.0.0.1:${port}`
    for (let i = 0; i < 200; i++) {
      const up = await rawRequest(url, { path: '/ready' }).then(
        () => true,
        () => false,
      )
      if (up) return
      await sleep(50)
    }
    throw new Error('workerd with the KV store did not start')
  }, 60_000)

  afterAll(() => stop())

  const step = async (name: string) => JSON.parse((await rawRequest(url, { path: `/${name}` })).text)

  it('round-trips binary values with metadata through the real binding', async () => {
    expect(await step('roundtrip')).toEqual({ bytes: [0, 1, 255], metadata: { expiresAt: 5 }, missing: null })
  })

  it('stores values larger than a SQLite row (3 MB) intact', async () => {
    expect(await step('large')).toEqual({ length: 3 * 1024 * 1024 + 7, same: true })
  })

  it("enforces Workers KV's limits: 60 s minimum TTL, 512-byte keys, 1 KB metadata, 25 MiB values", async () => {
    // Cloudflare's own messages, as the binding reports them.
    expect(await step('limits')).toEqual({
      shortTtl: { error: 'KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60.' },
      longKey: { error: 'KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.' },
      bigMetadata: { error: 'KV PUT failed: 413 Metadata length of 1108 exceeds limit of 1024.' },
      tooLarge: { error: 'KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.' },
    })
  })

  it('lists by prefix in pages with a cursor, and deletes', async () => {
    expect(await step('list')).toEqual({
      page1: ['p/a', 'p/b'],
      complete1: false,
      page2: ['p/c'],
      complete2: true,
      after: ['p/a', 'p/c'],
    })
  })
})
