/**
 * `node bench/websocket.js`: the WebSocket benchmark of issue 14, side by side in one run, all on 127.0.0.1.
 *
 * 1. Memory: a bare workerd WebSocket echo Worker and `gateway serve` (a WebSocket API, its
 *    `$default` route a two-way MOCK) each hold BENCH_WS_CONNECTIONS idle connections (default
 *    10,000). Resident memory per connection = (server RSS with all open and idle − RSS with none) / N.
 * 2. Throughput: BENCH_WS_CLIENTS connections (default 64) each keep BENCH_WS_WINDOW messages in
 *    flight (default 8) for BENCH_WS_SECONDS (default 10) through the gateway's `$default` MOCK
 *    route; messages/s and the p50/p99 round trip.
 * 3. With `--peer`: the same two measurements against serverless-offline's WebSocket server
 *    (bench/peers/serverless-offline, installed there with `npm ci` on first use), its `$default`
 *    route a two-way Lambda handler answering what the MOCK answers, run in its own process
 *    (`--useInProcess`; BENCH_WS_PEER_RUNNER=worker-threads for its default).
 * Every process it starts is stopped at the end, by its id.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { freePort } from './free-port.js'
import { installPeer, startPeer } from './peers/serverless-offline/peer.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const settings = {
  connections: Number(process.env.BENCH_WS_CONNECTIONS ?? 10_000),
  clients: Number(process.env.BENCH_WS_CLIENTS ?? 64),
  window: Number(process.env.BENCH_WS_WINDOW ?? 8),
  seconds: Number(process.env.BENCH_WS_SECONDS ?? 10),
  idleSeconds: Number(process.env.BENCH_WS_IDLE ?? 15),
  peer: process.argv.includes('--peer'),
  // serverless-offline's default runs each concurrent Lambda invocation in a new worker thread;
  // on 2 cores 64 concurrent `$connect`s outlast the 6 s Lambda timeout and are refused (502), so
  // the peer runs its handlers in its own process unless BENCH_WS_PEER_RUNNER=worker-threads.
  peerInProcess: process.env.BENCH_WS_PEER_RUNNER !== 'worker-threads',
}
const children = new Set()

const api = `x-gateway:
  apiId: bench
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.body.action
  stages: { bench: {} }
  routes:
    $default:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: '{"ok": true}' } } }
`

const echoWorker = `export default {
  fetch(request) {
    if (request.headers.get('upgrade') !== 'websocket') return new Response('echo', { status: 426 })
    const [client, server] = Object.values(new WebSocketPair())
    server.accept()
    server.addEventListener('message', (e) => server.send(e.data))
    return new Response(null, { status: 101, webSocket: client })
  },
}
`

async function main() {
  if (settings.peer) installPeer() // before any measurement, so an install's load falls on none
  const work = await mkdtemp(join(tmpdir(), 'bench-ws-'))
  try {
    await writeFile(join(work, 'bench.yaml'), api)
    const echo = await startEcho(work)
    const echoMemory = await memoryPerConnection('bare workerd echo', echo.pid, `ws://127.0.0.1:${echo.port}/`)
    stop(echo.child)
    const gateway = await startGateway(work)
    const gatewayPid = await workerdUnder(gateway.child.pid)
    const gatewayMemory = await memoryPerConnection('gateway', gatewayPid, `ws://127.0.0.1:${gateway.port}/bench`)
    const throughput = await relay(`ws://127.0.0.1:${gateway.port}/bench`)
    stop(gateway.child)
    const peer = settings.peer ? await measurePeer() : undefined
    const ratio = gatewayMemory.perConnection / echoMemory.perConnection
    console.log('\n| measure | value |\n|---|---|')
    console.log(`| idle connections held | ${settings.connections} each |`)
    console.log(`| bare workerd echo: RSS per connection | ${kb(echoMemory.perConnection)} |`)
    console.log(`| gateway: RSS per connection | ${kb(gatewayMemory.perConnection)} |`)
    console.log(`| gateway / bare echo (bar ≤ 1.3) | ${ratio.toFixed(2)} |`)
    console.log(`| gateway $default MOCK: messages/s (bar ≥ 5,000) | ${Math.round(throughput.perSecond)} |`)
    console.log(`| round trip p50 / p99 | ${roundTrip(throughput)} |`)
    if (!peer) return
    console.log(`| serverless-offline: RSS per connection | ${kb(peer.memory.perConnection)} |`)
    console.log(`| serverless-offline / bare echo | ${(peer.memory.perConnection / echoMemory.perConnection).toFixed(2)} |`)
    console.log(`| serverless-offline $default Lambda: messages/s | ${Math.round(peer.throughput.perSecond)} |`)
    console.log(`| serverless-offline round trip p50 / p99 | ${roundTrip(peer.throughput)} |`)
  } finally {
    for (const child of children) stop(child)
    await rm(work, { recursive: true, force: true })
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`
const roundTrip = ({ p50, p99 }) => `${p50.toFixed(1)} ms / ${p99.toFixed(1)} ms`

/** The peer on the same workload: serverless-offline, a Lambda handler behind its `$default` route. */
async function measurePeer() {
  const ports = { websocketPort: await freePort(), httpPort: await freePort(), lambdaPort: await freePort() }
  const peer = await startPeer({ ...ports, inProcess: settings.peerInProcess })
  children.add(peer.child)
  const memory = await memoryPerConnection('serverless-offline', peer.pid, peer.url)
  const throughput = await relay(peer.url)
  stop(peer.child)
  return { memory, throughput }
}

/** Opens N connections, lets them sit idle, and reads the server's RSS before and after. */
async function memoryPerConnection(label, pid, url) {
  // One connection first, so what the first one loads (isolate, objects' code) is in the baseline.
  const warm = await openMany(url, 1)
  warm[0].close()
  await sleep(2000)
  const before = rss(pid)
  const sockets = await openMany(url, settings.connections)
  await sleep(settings.idleSeconds * 1000)
  const after = rss(pid)
  const open = sockets.filter((s) => s.readyState === WebSocket.OPEN).length
  for (const s of sockets) s.terminate()
  console.log(`${label}: RSS ${kb(before)} → ${kb(after)} with ${open} open`)
  if (open !== settings.connections) throw new Error(`${label}: only ${open} of ${settings.connections} connections stayed open`)
  await sleep(2000)
  return { before, after, perConnection: (after - before) / settings.connections }
}

/** Opens `n` connections, 200 handshakes at a time. */
async function openMany(url, n) {
  const sockets = []
  for (let i = 0; i < n; i += 200) {
    const batch = Array.from({ length: Math.min(200, n - i) }, () => connect(url))
    sockets.push(...(await Promise.all(batch)))
  }
  return sockets
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
  })
}

/** Keeps `window` messages in flight on each of `clients` connections; replies come back in order per connection. */
async function relay(url) {
  const sockets = await openMany(url, settings.clients)
  const rtts = []
  let replies = 0
  let running = true
  const message = JSON.stringify({ action: 'anything', text: 'hello' })
  for (const ws of sockets) {
    const sent = []
    ws.on('message', () => {
      const at = sent.shift()
      if (!running) return
      replies++
      rtts.push(performance.now() - at)
      sent.push(performance.now())
      ws.send(message)
    })
    for (let i = 0; i < settings.window; i++) {
      sent.push(performance.now())
      ws.send(message)
    }
  }
  await sleep(1000) // warm-up, not counted
  replies = 0
  rtts.length = 0
  const started = performance.now()
  await sleep(settings.seconds * 1000)
  const elapsed = (performance.now() - started) / 1000
  const counted = replies
  running = false
  for (const ws of sockets) ws.terminate()
  rtts.sort((a, b) => a - b)
  const at = (q) => rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))]
  return { perSecond: counted / elapsed, p50: at(0.5), p99: at(0.99) }
}

async function startEcho(work) {
  const port = await freePort()
  await writeFile(join(work, 'echo.js'), echoWorker)
  await writeFile(
    join(work, 'echo.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "echo", worker = (modules = [ (name = "echo.js", esModule = embed "echo.js") ], compatibilityDate = "${compatibilityDate()}")) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "echo") ],
);
`,
  )
  const child = spawn(workerdBinary(), ['serve', join(work, 'echo.capnp')], { stdio: ['ignore', 'ignore', 'ignore'] })
  children.add(child)
  await waitForPort(port)
  return { child, pid: child.pid, port }
}

async function startGateway(work) {
  const port = await freePort()
  const child = spawn(process.execPath, [join(root, 'bin', 'gateway.js'), 'serve', '--routes', work, '--port', String(port), '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  // Drained: workerd logs a line per dropped socket, and a full pipe would stall it mid-benchmark.
  child.stderr.resume()
  await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      if (/ready http:\/\//.test(out)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)))
  })
  return { child, port }
}

/** The workerd process `gateway serve` started: the one whose memory holds the connections. */
async function workerdUnder(pid) {
  for (let i = 0; i < 50; i++) {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
    const workerd = kids.find((k) => readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('workerd'))
    if (workerd) return Number(workerd)
    await sleep(100)
  }
  throw new Error('no workerd under gateway serve')
}

/** Resident set size in bytes, from /proc. */
const rss = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      return
    } catch {
      await sleep(100)
    }
  }
  throw new Error(`nothing listens on ${port}`)
}

function workerdBinary() {
  const require = createRequire(import.meta.url)
  return join(require.resolve('workerd/package.json'), '..', 'bin', 'workerd')
}

function compatibilityDate() {
  return /compatibilityDate = '([\d-]+)'/.exec(readFileSync(join(root, 'src', 'cli', 'workerd-config.ts'), 'utf8'))[1]
}

function stop(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  children.delete(child)
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

process.on('SIGINT', () => {
  for (const child of children) stop(child)
  process.exit(130)
})

await main()
