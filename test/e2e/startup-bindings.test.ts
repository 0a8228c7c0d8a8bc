import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import type { RouteTable } from '../../src/definitions/table'
import { bundleCacheStore, bundleWorker } from '../../src/cli/serve'
import { writeTableModule } from '../../src/cli/build'
import { cacheStoreModule, workerdConfig } from '../../src/cli/workerd-config'
import { checkBindings, servedBindings } from '../../src/cli/check-bindings'
import { freePort } from './helpers/gateway'
import { rawRequest } from './helpers/http'

const definition = `openapi: 3.0.1
x-gateway:
  apiId: startup
  stages:
    v1:
      cacheClusterEnabled: true
      methodSettings:
        /limited/GET: { throttlingRateLimit: 100, throttlingBurstLimit: 100 }
        /cached/GET: { cachingEnabled: true }
paths:
  /limited: { get: { x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } } }
  /cached: { get: { x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } } }
`
const table: RouteTable = compileDefinitions([{ file: 'routes/startup.yaml', text: definition }]).table

/** Lines printed to stderr while `run` runs. */
async function printed(run: () => boolean): Promise<{ result: boolean; lines: string[] }> {
  const lines: string[] = []
  const original = console.error
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '))
  try {
    return { result: run(), lines }
  } finally {
    console.error = original
  }
}

describe('gateway serve checks bindings at start-up', () => {
  it('starts when its workerd config binds all the routes need', async () => {
    expect([...servedBindings].sort()).toEqual(['API_KEYS', 'CACHE', 'CONNECTIONS', 'CONTROL', 'THROTTLE'])
    expect(await printed(() => checkBindings(table))).toEqual({ result: true, lines: [] })
  })

  it('refuses to start without a binding a limit needs, naming it', async () => {
    const { result, lines } = await printed(() => checkBindings(table, new Set(['API_KEYS', 'CACHE'])))
    expect(result).toBe(false)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^gateway: THROTTLE binding missing: .*\(first: GET \/limited of stage "v1" \(routes\/startup.yaml\)\) are refused with 500/)
  })

  it('only warns without the cache', async () => {
    const { result, lines } = await printed(() => checkBindings(table, new Set(['API_KEYS', 'THROTTLE'])))
    expect(result).toBe(true)
    expect(lines).toEqual([expect.stringMatching(/^gateway: CACHE binding missing: .* are served uncached/)])
  })
})

describe('the Worker checks its bindings at start-up', () => {
  let work: string
  let workerd: ChildProcess | undefined
  afterAll(async () => {
    workerd?.kill('SIGTERM')
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('names a missing THROTTLE binding before any request, then refuses the limited method with 500', async () => {
    // The production bundle on workerd, with a config that leaves THROTTLE out (as a wrangler.toml might).
    work = await mkdtemp(join(tmpdir(), 'gateway-startup-'))
    await writeTableModule(table, join(work, 'table.js'))
    await bundleWorker(join(work, 'table.js'), join(work, 'worker.js'))
    await bundleCacheStore(join(work, cacheStoreModule))
    await mkdir(join(work, 'state'))
    const port = await freePort()
    const config = workerdConfig({ address: `127.0.0.1:${port}`, storage: join(work, 'state') })
    const withoutThrottle = config.replace(/\s*\(name = "THROTTLE", durableObjectNamespace = "ThrottleBucket"\),/, '')
    expect(withoutThrottle).not.toBe(config)
    await writeFile(join(work, 'config.capnp'), withoutThrottle)
    const binary = join(createRequire(import.meta.url).resolve('workerd/package.json'), '..', 'bin', 'workerd')
    workerd = spawn(binary, ['serve', join(work, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    workerd.stdout!.on('data', (d) => (output += d))
    workerd.stderr!.on('data', (d) => (output += d))

    const deadline = Date.now() + 30_000
    while (!output.includes('THROTTLE binding missing') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(output).toMatch(/THROTTLE binding missing: the Worker has no Durable Object namespace \(class ThrottleBucket\) bound as THROTTLE, so methods with a methodSettings throttle \(first: GET \/limited of stage "v1"/)
    expect(output).not.toMatch(/CACHE binding missing/)

    let res = await rawRequest(`http://127.0.0.1:${port}`, { path: '/v1/limited' }).catch(() => undefined)
    for (let i = 0; !res && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100))
      res = await rawRequest(`http://127.0.0.1:${port}`, { path: '/v1/limited' }).catch(() => undefined)
    }
    expect(res?.status).toBe(500)
    expect(JSON.parse(res!.text)).toEqual({ message: 'Internal server error' })
    expect((await rawRequest(`http://127.0.0.1:${port}`, { path: '/v1/cached' })).status).toBe(200)
  })
})
