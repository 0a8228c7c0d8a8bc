import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBackend, type Backend } from './helpers/backend'
import { freePort } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { accepts } from './helpers/sockets'
import { routesDir } from './helpers/routes'

// `gateway serve` as a supervisor (systemd, a container runtime, a test harness) sees it: one
// process whose workerd never outlives it, whose `ready` means it serves, and which stops cleanly.

const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))

const api = (backendPort: number) => `openapi: 3.0.1
info: { title: supervised, version: '1' }
paths:
  /slow:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/slow' }
  /fast:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/fast' }
`

interface Serve {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** The URL of the `ready` line. */
  ready: Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function serve(routes: string, port: number): Serve {
  const child = spawn(process.execPath, [bin, 'serve', '--routes', routes, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const url = /ready (http:\/\/\S+)/.exec(stdout)?.[1]
      if (url) resolve(url)
    })
    exited.then(({ code }) => reject(new Error(`gateway serve exited (${code}) before ready:\n${stdout}\n${stderr}`)))
  })
  ready.catch(() => undefined)
  return { child, stdout: () => stdout, stderr: () => stderr, ready, exited }
}

/** The workerd process under `gateway serve` (read from /proc, as an operator would see it). */
function workerdOf(pid: number): number {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean))
  const workerd = children.find((child) => readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'workerd')
  if (!workerd) throw new Error(`no workerd among the children of ${pid}: ${children.join(', ')}`)
  return Number(workerd)
}

/** Gone, or dead and waiting to be reaped (`Z`): either way it runs no more. */
function isDead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return check()
}

/** A keep-alive connection that has answered one request and now sits idle, and when it closes. */
function idleConnection(port: number): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    let received = ''
    socket.on('data', (d) => {
      received += d
      if (received.startsWith('HTTP/1.1 200') && received.endsWith('{"fast":true}')) resolve({ closed })
    })
    socket.once('error', reject)
  })
}

const linux = process.platform === 'linux'

describe('gateway serve under a supervisor', () => {
  let backend: Backend
  let routes: Awaited<ReturnType<typeof routesDir>>
  let releaseSlow: () => void = () => undefined
  const slowRelease = () => new Promise<void>((resolve) => (releaseSlow = resolve))
  let slowGate = slowRelease()

  beforeAll(async () => {
    backend = await startBackend({
      '/fast': (_req, res) => {
        res.setHeader('content-type', 'application/json')
        res.end('{"fast":true}')
      },
      // Answers only once the test lets it: the requests are in flight for as long as it needs.
      '/slow': async (_req, res) => {
        await slowGate
        res.setHeader('content-type', 'application/json')
        res.end('{"slow":true}')
      },
    })
    routes = await routesDir({ 'api.yaml': api(backend.port) })
  })
  afterAll(async () => {
    releaseSlow()
    await backend?.close()
    await routes?.remove()
  })

  it.skipIf(!linux)('leaves no workerd and frees the port when it is killed with SIGKILL; the next start removes its temporary folder', async () => {
    const port = await freePort()
    const first = serve(routes.dir, port)
    await first.ready
    const workerd = workerdOf(first.child.pid!)
    const work = dirname(readFileSync(`/proc/${workerd}/cmdline`, 'utf8').split('\0').find((arg) => arg.endsWith('config.capnp'))!)
    expect(work).toMatch(new RegExp(`/gateway-serve-${first.child.pid}-`))
    expect((await rawRequest(`http://127.0.0.1:${port}`, { path: '/fast' })).status).toBe(200)

    first.child.kill('SIGKILL')
    await first.exited
    expect(await eventually(() => isDead(workerd))).toBe(true)
    expect(await eventually(async () => !(await accepts(port)))).toBe(true)
    expect(existsSync(work)).toBe(true)

    const second = serve(routes.dir, await freePort())
    try {
      await second.ready
      expect(existsSync(work)).toBe(false)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  }, 120_000)

  it('fails with one line and exit 1 before ready when the port is taken', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as { port: number }).port
    try {
      const run = serve(routes.dir, port)
      const { code } = await run.exited
      expect(code).toBe(1)
      expect(run.stdout()).not.toMatch(/ready/)
      expect(run.stderr()).toBe(`gateway: 127.0.0.1:${port} is already in use\n`)
    } finally {
      holder.close()
    }
  }, 120_000)

  it('on SIGTERM finishes the requests in flight with 200 and exits 0 (and ready names the port chosen for --port 0)', async () => {
    slowGate = slowRelease()
    const run = serve(routes.dir, 0)
    const url = await run.ready
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/)
    const port = Number(new URL(url).port)
    const idle = await idleConnection(port)
    const before = backend.received.filter((r) => r.url === '/slow').length
    const inFlight = Array.from({ length: 5 }, () => rawRequest(url, { path: '/slow', timeoutMs: 60_000 }))
    // Every request has reached the backend: they are in flight in workerd.
    expect(await eventually(() => backend.received.filter((r) => r.url === '/slow').length === before + 5, 30_000)).toBe(true)

    run.child.kill('SIGTERM')
    // The stop has begun (workerd closes idle keep-alive connections at once) while the requests are held.
    await idle.closed
    releaseSlow()
    const answers = await Promise.all(inFlight)
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect(answers.map((a) => a.text)).toEqual(Array(5).fill('{"slow":true}'))
    expect(await run.exited).toEqual({ code: 0, signal: null })
  }, 120_000)
})
