/**
 * `npm run bench`: one side-by-side HTTP benchmark on this machine, all on 127.0.0.1.
 *
 * Starts the echo backend (bench/backend.js), then measures with wrk, one target after the
 * other: the backend direct, an nginx reverse proxy, a bare workerd passthrough Worker, and
 * the gateway (`gateway serve`: http_proxy and mock routes; an HTTP API route open, behind a JWT
 * authorizer with warm keys, and behind a cached Lambda authorizer). Prints a table and the ratios,
 * writes the raw figures to bench/results/ and rewrites the marked section of docs/benchmarks.md.
 * Every process it starts is stopped at the end, on error and on Ctrl-C.
 *
 * @example
 *   npm run bench
 *   BENCH_DURATION=10 BENCH_CONNECTIONS=64 npm run bench
 *   BENCH_ROUNDS=9 npm run bench   # targets take turns nine times (default 5); medians shown
 *   BENCH_PIN=0 npm run bench      # let the scheduler place servers, wrk and backend
 */
import { execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism, cpus, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.js'
import { startAuthServices } from './auth-services.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const bench = join(root, 'bench')
const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 5),
  warmup: Number(process.env.BENCH_WARMUP ?? 1),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  threads: 1,
  pin: pinning(),
}
const BAR = 0.8
const START = '<!-- bench:results:start -->'
const END = '<!-- bench:results:end -->'

/**
 * With two or more cores and `taskset`, the server under test gets the last core to itself and
 * wrk and the echo backend share the first: every target then runs on the same dedicated core,
 * and the load generator never takes its CPU. `BENCH_PIN=0` turns it off.
 */
function pinning() {
  const cores = availableParallelism()
  if (process.env.BENCH_PIN === '0' || cores < 2 || !which('taskset')) return null
  return { server: String(cores - 1), client: '0' }
}

/** `command args` under taskset on the given core, or as it is when not pinning. */
function onCore(core, command, args) {
  return settings.pin ? ['taskset', ['-c', core, command, ...args]] : [command, args]
}

/** Every process this run started, so cleanup can stop each one by its id. */
const children = new Set()
/** In-process servers to close at the end (bench/auth-services.js). */
const closers = []
const temps = []
let stopping = false

async function main() {
  ensureTools()
  const work = await mkdtemp(join(tmpdir(), 'gateway-bench-'))
  temps.push(work)

  const backend = await start('backend', ...onCore(settings.pin?.client, process.execPath, [join(bench, 'backend.js'), '0']), { readyLine: /^ready (\S+)/ })
  const backendPort = Number(new URL(backend.url).port)
  const path = '/echo/a/b'

  const targets = [{ name: 'direct', label: 'direct (Node backend)', url: `${backend.url}${path}`, pid: backend.pid }]
  targets.push({ name: 'nginx', label: 'nginx reverse proxy', ...(await startNginx(work, backendPort, path)) })
  targets.push({ name: 'passthrough', label: 'workerd passthrough', ...(await startPassthrough(work, backend.url, path, 'worker.js')) })
  targets.push({ name: 'floor', label: 'passthrough + AWS headers, ids, timeout', ...(await startPassthrough(work, backend.url, path, 'aws-floor.js')) })
  targets.push(...(await startGateways(work, backendPort)))

  for (const target of targets) {
    if (!target.error) target.error = await check(target.url, target.headers)
    if (target.error) console.log(`${target.label.padEnd(28)} skipped: ${target.error}`)
  }
  // BENCH_ONLY=passthrough,gateway_http_proxy measures just those targets.
  const only = process.env.BENCH_ONLY?.split(',')
  const live = targets.filter((t) => !t.error && (!only || only.includes(t.name)))
  // With several rounds the targets take turns, so a slow spell on the machine hits them all.
  for (let round = 1; round <= settings.rounds; round++) {
    if (settings.rounds > 1) console.log(`round ${round}/${settings.rounds}`)
    for (const target of live) {
      process.stdout.write(`${target.label.padEnd(28)} `)
      await wrk(target.url, settings.warmup, target.headers)
      const cpuBefore = target.pid ? cpuTicks(target.pid) : 0
      const result = await wrk(target.url, settings.duration, target.headers)
      if (target.pid && result.requests > 0) result.cpuUsPerRequest = ((cpuTicks(target.pid) - cpuBefore) * 1e6) / clockTicks / result.requests
      ;(target.rounds ??= []).push(result)
      console.log(`${Math.round(result.requestsPerSec)} req/s`)
    }
  }
  for (const target of live) target.result = median(target.rounds)

  const report = {
    date: new Date().toISOString(),
    command: commandLine(),
    machine: machine(),
    settings,
    targets: targets.map(({ name, label, url, error, result, rounds }) => ({ name, label, url, error, ...result, rounds })),
  }
  report.ratios = ratios(report.targets)
  const markdown = renderMarkdown(report)
  console.log(`\n${markdown}`)

  await mkdir(join(bench, 'results'), { recursive: true })
  const file = join(bench, 'results', `${report.date.replace(/[:.]/g, '-')}.json`)
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  await updateDoc(markdown)
  console.log(`raw results: ${file}\nupdated: docs/benchmarks.md`)
}

/** Installs wrk and nginx with apt-get, only when one is missing. */
function ensureTools() {
  const missing = ['wrk', 'nginx'].filter((tool) => !which(tool))
  if (missing.length === 0) return
  console.log(`installing ${missing.join(', ')} with apt-get`)
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit' })
}

function which(tool) {
  try {
    return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

async function startNginx(work, backendPort, path) {
  const prefix = join(work, 'nginx')
  await mkdir(prefix, { recursive: true })
  const port = await freePort()
  const template = await readFile(join(bench, 'nginx.conf'), 'utf8')
  const conf = fill(template, { PREFIX: prefix, PORT: port, BACKEND_PORT: backendPort })
  await writeFile(join(prefix, 'nginx.conf'), conf)
  const { pid } = await start('nginx', ...onCore(settings.pin?.server, which('nginx'), ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')]), { port })
  return { url: `http://127.0.0.1:${port}${path}`, pid }
}

async function startPassthrough(work, backendUrl, path, module) {
  const dir = join(work, `passthrough-${module}`)
  await mkdir(dir, { recursive: true })
  await copyFile(join(bench, 'passthrough', module), join(dir, 'worker.js'))
  const port = await freePort()
  await writeFile(join(dir, 'config.capnp'), passthroughConfig(`127.0.0.1:${port}`, backendUrl))
  const { pid } = await start('workerd', ...onCore(settings.pin?.server, workerdBinary(), ['serve', join(dir, 'config.capnp')]), { port })
  return { url: `http://127.0.0.1:${port}${path}`, pid }
}

/** The same runtime settings as `gateway serve` (src/cli/workerd-config.ts), minus the gateway. */
function passthroughConfig(address, backendUrl) {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "passthrough", worker = .passthrough),
    (name = "network", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [ (name = "http", address = ${JSON.stringify(address)}, http = (), service = "passthrough") ],
);

const passthrough :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${compatibilityDate()}",
  bindings = [ (name = "BACKEND", text = ${JSON.stringify(backendUrl)}) ],
  globalOutbound = "network",
);
`
}

/** The benchmark API key (bench/routes.template.yaml), on a plan whose limits the load never reaches. */
const BENCH_KEY = 'bench-key-0123456789abcdefghij'

const gatewayRows = [
  { name: 'gateway_http_proxy', label: 'gateway http_proxy', path: '/bench/proxy/a/b' },
  { name: 'gateway_mock', label: 'gateway mock', path: '/bench/mock' },
  // Full method request: the key's Durable Object checks key, plan, throttle and quota per request.
  { name: 'gateway_keyed', label: 'gateway http_proxy + API key, throttle, quota', path: '/bench/keyed/a/b', headers: { 'x-api-key': BENCH_KEY } },
  // Observability off and fully on (detailed metrics and a CLF access log on stdout), side by side (issue 16).
  { name: 'gateway_unobserved', label: 'gateway http_proxy, metrics off', path: '/bench/proxy/a/b', env: { GATEWAY_METRICS: 'off' } },
  { name: 'gateway_observed', label: 'gateway http_proxy + detailed metrics, access log', path: '/observed/proxy/a/b' },
]

/** The HTTP API rows (bench/http-api-routes.template.yaml): one route, open and behind each authorizer type. */
const httpApiRows = (token) => [
  { name: 'gateway_http_api', label: 'gateway HTTP API http_proxy', path: '/bench/open', routes: 'http' },
  // The JWKS is fetched by the check request and held: every measured request verifies the signature.
  { name: 'gateway_jwt', label: 'gateway HTTP API + JWT authorizer', path: '/bench/jwt', routes: 'http', headers: { authorization: `Bearer ${token}` } },
  // The check request invokes the function once; the decision is cached for an hour.
  { name: 'gateway_lambda_cached', label: 'gateway HTTP API + cached Lambda authorizer', path: '/bench/lambda', routes: 'http', headers: { authorization: 'bench-caller' } },
]

/**
 * One `gateway serve` per row, as every other target has its own server: traffic on one route
 * shapes the JIT's view of the shared code and would be charged to the next row (docs/benchmarks.md).
 * A failure to start becomes that row's error.
 */
async function startGateways(work, backendPort) {
  const routes = join(work, 'routes')
  await mkdir(routes, { recursive: true })
  const template = await readFile(join(bench, 'routes.template.yaml'), 'utf8')
  await writeFile(join(routes, 'bench.yaml'), fill(template, { BACKEND_PORT: backendPort }))
  const auth = await startAuthServices()
  closers.push(auth.close)
  const httpRoutes = join(work, 'routes-http')
  await mkdir(httpRoutes, { recursive: true })
  const httpTemplate = await readFile(join(bench, 'http-api-routes.template.yaml'), 'utf8')
  await writeFile(join(httpRoutes, 'bench.yaml'), fill(httpTemplate, { BACKEND_PORT: backendPort, AUTH_URL: auth.url, ISSUER: auth.issuer }))
  const only = process.env.BENCH_ONLY?.split(',')
  const rows = []
  for (const { path, env, routes: which, ...row } of [...gatewayRows, ...httpApiRows(auth.token)]) {
    if (only && !only.includes(row.name)) continue
    rows.push({ ...row, ...(await startGateway(which === 'http' ? httpRoutes : routes, path, env)) })
  }
  return rows
}

async function startGateway(routes, path, env = {}) {
  const port = await freePort()
  try {
    // AWS's default account limit (10,000 rps per isolate here) would cap the load itself: lift it,
    // as an AWS account does by a quota request. Its check still runs on every request.
    // taskset's affinity is inherited by the workerd that `gateway serve` starts.
    const args = [join(root, 'bin', 'gateway.js'), 'serve', '--routes', routes, '--port', String(port)]
    const gateway = await start('gateway', ...onCore(settings.pin?.server, process.execPath, args), {
      // The Lambda authorizer row signs its one Invoke call; the stand-in does not check the signature.
      env: { AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000001', AWS_SECRET_ACCESS_KEY: 'bench-secret', ...process.env, GATEWAY_ACCOUNT_THROTTLE: '1000000,1000000', ...env },
      readyLine: /^ready (\S+)/,
      timeoutMs: 120_000,
    })
    return { url: `${gateway.url}${path}`, pid: gateway.pid }
  } catch (e) {
    console.log(`gateway did not start: ${e.message}`)
    return { url: `http://127.0.0.1:${port}${path}`, error: 'gateway serve did not start' }
  }
}

/**
 * Spawns a long-running server in its own process group (so its own children, such as the
 * workerd behind `gateway serve`, stop with it) and waits until it is ready: a line on stdout
 * matching `readyLine`, or `port` accepting connections.
 */
async function start(name, command, args, { readyLine, port, timeoutMs = 30_000, env }) {
  const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env })
  children.add(child)
  let output = ''
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000)
  }
  child.stdout.setEncoding('utf8').on('data', keep)
  child.stderr.setEncoding('utf8').on('data', keep)
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? code})`)))
  child.once('exit', () => children.delete(child))

  const ready = readyLine
    ? new Promise((resolve) => {
        let buffer = ''
        child.stdout.on('data', (chunk) => {
          buffer += chunk
          for (const line of buffer.split('\n')) {
            const match = readyLine.exec(line.trim())
            if (match) resolve({ url: match[1] })
          }
          buffer = buffer.slice(buffer.lastIndexOf('\n') + 1)
        })
      })
    : waitForPort(port, timeoutMs).then((up) => (up ? { url: `http://127.0.0.1:${port}` } : undefined))
  const timeout = delay(timeoutMs).then(() => 'timed out')
  const outcome = await Promise.race([ready, exited, timeout])
  if (typeof outcome === 'object') return { ...outcome, pid: child.pid }
  stop(child)
  throw new Error(`${name} ${outcome ?? 'did not listen'}\n${output.trim().split('\n').slice(-15).join('\n')}`)
}

/** One GET before measuring, so a target that answers wrongly is reported, not benchmarked. */
async function check(url, headers = {}) {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) })
    const body = await res.text()
    if (res.status !== 200) return `GET ${new URL(url).pathname} answered ${res.status}: ${body.slice(0, 200)}`
    return undefined
  } catch (e) {
    return `GET ${new URL(url).pathname} failed: ${e.message}`
  }
}

/** Runs wrk for `seconds` and parses requests/s, latency percentiles and errors from its report. */
async function wrk(url, seconds, headers = {}) {
  const args = [`-t${settings.threads}`, `-c${settings.connections}`, `-d${seconds}s`, '--latency']
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  args.push(url)
  const child = spawn(...onCore(settings.pin?.client, 'wrk', args), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk) => (out += chunk))
  // wrk stops by itself; the guard only matters if it hangs on a server that stopped answering.
  const guard = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000)
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)))
  clearTimeout(guard)
  children.delete(child)
  if (code !== 0) throw new Error(`wrk ${args.join(' ')} exited ${code}\n${out}`)
  const percentile = (p) => toMs(out.match(new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm')))
  const socketErrors = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/)
  return {
    requestsPerSec: Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0),
    requests: Number(out.match(/(\d+) requests in/)?.[1] ?? 0),
    latencyMs: { p50: percentile(50), p90: percentile(90), p99: percentile(99), avg: toMs(out.match(/Latency\s+([\d.]+)(us|ms|s)/)) },
    non2xx: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
    socketErrors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    wrk: out,
  }
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100

/**
 * CPU time (user + system, in clock ticks) of a process and every process under it: the
 * server's own cost, steadier than req/s on a machine whose cores the load generator shares.
 */
function cpuTicks(pid) {
  let ticks = 0
  const visit = (id) => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
      for (const task of readdirSync(`/proc/${id}/task`)) {
        for (const child of readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) visit(child)
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }
  visit(pid)
  return ticks
}

/** The round with the median requests/s; its latencies are reported with it. */
const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

function median(rounds) {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSec - b.requestsPerSec)
  const { wrk: _raw, ...round } = sorted[Math.floor(sorted.length / 2)]
  // CPU per request is the median of its own, not the figure of the median-throughput round.
  const cpu = rounds.map((r) => r.cpuUsPerRequest).filter((v) => v !== undefined)
  return cpu.length > 0 ? { ...round, cpuUsPerRequest: middle(cpu) } : round
}

function toMs(match) {
  if (!match) return null
  const factor = { us: 0.001, ms: 1, s: 1000 }[match[2]]
  return Math.round(Number(match[1]) * factor * 1000) / 1000
}

/**
 * Each ratio is the median of the ratios within a round: targets measured minutes apart on this
 * VM can differ by more than the effect being measured, one round's targets seconds apart cannot.
 */
function ratios(targets) {
  const roundsOf = (name) => targets.find((t) => t.name === name)?.rounds ?? []
  const perRound = (a, b, f) => {
    const values = []
    roundsOf(a).forEach((x, i) => {
      const y = roundsOf(b)[i]
      const v = y ? f(x, y) : NaN
      if (Number.isFinite(v) && v > 0) values.push(v)
    })
    return values.length > 0 ? Math.round(middle(values) * 1000) / 1000 : null
  }
  const ratio = (a, b) => perRound(a, b, (x, y) => x.requestsPerSec / y.requestsPerSec)
  // Inverted: less CPU per request is more requests per core.
  const cpuRatio = (a, b) => perRound(a, b, (x, y) => y.cpuUsPerRequest / x.cpuUsPerRequest)
  return {
    proxyOverPassthrough: ratio('gateway_http_proxy', 'passthrough'),
    proxyOverPassthroughCpu: cpuRatio('gateway_http_proxy', 'passthrough'),
    floorOverPassthrough: ratio('floor', 'passthrough'),
    floorOverPassthroughCpu: cpuRatio('floor', 'passthrough'),
    proxyOverFloor: ratio('gateway_http_proxy', 'floor'),
    proxyOverNginx: ratio('gateway_http_proxy', 'nginx'),
    proxyOverDirect: ratio('gateway_http_proxy', 'direct'),
    mockOverPassthrough: ratio('gateway_mock', 'passthrough'),
    keyedOverProxy: ratio('gateway_keyed', 'gateway_http_proxy'),
    observedOverUnobserved: ratio('gateway_observed', 'gateway_unobserved'),
    observedOverUnobservedCpu: cpuRatio('gateway_observed', 'gateway_unobserved'),
    jwtOverHttpApi: ratio('gateway_jwt', 'gateway_http_api'),
    lambdaCachedOverHttpApi: ratio('gateway_lambda_cached', 'gateway_http_api'),
    jwtOverHttpApiCpu: cpuRatio('gateway_jwt', 'gateway_http_api'),
    lambdaCachedOverHttpApiCpu: cpuRatio('gateway_lambda_cached', 'gateway_http_api'),
    passthroughOverDirect: ratio('passthrough', 'direct'),
    nginxOverDirect: ratio('nginx', 'direct'),
  }
}

function renderMarkdown(report) {
  const { machine: m, settings: s, ratios: r } = report
  const ms = (v) => (v == null ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(1))
  const rows = report.targets.map((t) =>
    t.error
      ? `| ${t.label} | pending | – | – | – | ${t.error.split('\n')[0]} |`
      : !t.latencyMs
        ? `| ${t.label} | – | – | – | – | not measured (BENCH_ONLY) |`
        : `| ${t.label} | ${Math.round(t.requestsPerSec).toLocaleString('en-US')} | ${t.cpuUsPerRequest == null ? '–' : t.cpuUsPerRequest.toFixed(1)} | ${ms(t.latencyMs.p50)} | ${ms(t.latencyMs.p99)} | ${notes(t)} |`,
  )
  const show = (v) => (v == null ? 'pending' : v.toFixed(2))
  const bar = r.proxyOverPassthrough == null ? 'pending' : r.proxyOverPassthrough >= BAR ? 'met' : 'NOT met'
  return [
    `Run on ${report.date.slice(0, 10)} (${report.date}) with \`${report.command}\`.`,
    '',
    `Machine: ${m.nproc} cores (${m.cpu}), Linux ${m.kernel}, Node ${m.node}, ${m.workerd}, ${m.nginx}, ${m.wrk}.`,
    `Load: \`wrk -t${s.threads} -c${s.connections} -d${s.duration}s --latency\` per target, after a ${s.warmup} s warm-up with the same settings` +
      (s.rounds > 1 ? `; ${s.rounds} rounds taking turns, each row is the median round, each ratio the median of the rounds' own ratios.` : '.'),
    s.pin
      ? `Pinned: every server under test on core ${s.pin.server} alone, wrk and the echo backend on core ${s.pin.client} (\`taskset\`).`
      : 'Not pinned: servers, wrk and the backend share the cores as the scheduler places them.',
    '',
    '| target | req/s | server CPU µs/req | p50 ms | p99 ms | notes |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    '| ratio (req/s) | value |',
    '| --- | ---: |',
    `| gateway http_proxy / workerd passthrough (bar ≥ ${BAR}: ${bar}) | ${show(r.proxyOverPassthrough)} |`,
    `| the same, by server CPU per request (passthrough µs / gateway µs) | ${show(r.proxyOverPassthroughCpu)} |`,
    `| passthrough + AWS headers, ids, timeout / workerd passthrough: what AWS's behaviour costs the passthrough | ${show(r.floorOverPassthrough)} (CPU: ${show(r.floorOverPassthroughCpu)}) |`,
    `| gateway http_proxy / passthrough + AWS headers, ids, timeout: the gateway's own logic | ${show(r.proxyOverFloor)} |`,
    `| gateway with API key (key + throttle + quota) / gateway http_proxy (bar ≥ 0.85: ${r.keyedOverProxy == null ? 'pending' : r.keyedOverProxy >= 0.85 ? 'met' : 'NOT met'}) | ${show(r.keyedOverProxy)} |`,
    `| gateway http_proxy with detailed metrics and access log / with metrics off (bar ≥ 0.95: ${r.observedOverUnobserved == null ? 'pending' : r.observedOverUnobserved >= 0.95 ? 'met' : 'NOT met'}) | ${show(r.observedOverUnobserved)} (CPU: ${show(r.observedOverUnobservedCpu)}) |`,
    `| HTTP API + JWT authorizer (warm JWKS) / the same route open (bar ≥ 0.8: ${barMet(r.jwtOverHttpApi, 0.8)}) | ${show(r.jwtOverHttpApi)} (CPU: ${show(r.jwtOverHttpApiCpu)}) |`,
    `| HTTP API + cached Lambda authorizer / the same route open (bar ≥ 0.9: ${barMet(r.lambdaCachedOverHttpApi, 0.9)}) | ${show(r.lambdaCachedOverHttpApi)} (CPU: ${show(r.lambdaCachedOverHttpApiCpu)}) |`,
    `| gateway http_proxy / nginx | ${show(r.proxyOverNginx)} |`,
    `| gateway http_proxy / direct | ${show(r.proxyOverDirect)} |`,
    `| gateway mock / workerd passthrough | ${show(r.mockOverPassthrough)} |`,
    `| workerd passthrough / direct | ${show(r.passthroughOverDirect)} |`,
    `| nginx / direct | ${show(r.nginxOverDirect)} |`,
  ].join('\n')
}

const barMet = (value, bar) => (value == null ? 'pending' : value >= bar ? 'met' : 'NOT met')

function notes(t) {
  const problems = []
  if (t.non2xx) problems.push(`${t.non2xx} non-2xx`)
  if (t.socketErrors) problems.push(`${t.socketErrors} socket errors`)
  return problems.join(', ')
}

/** Replaces the marked section of docs/benchmarks.md (appending it if the markers are missing). */
async function updateDoc(markdown) {
  const file = join(root, 'docs', 'benchmarks.md')
  let doc = await readFile(file, 'utf8').catch(() => '# Benchmarks\n')
  const section = `${START}\n${markdown}\n${END}`
  const from = doc.indexOf(START)
  const to = doc.indexOf(END)
  doc = from >= 0 && to > from ? doc.slice(0, from) + section + doc.slice(to + END.length) : `${doc.trimEnd()}\n\n${section}\n`
  await mkdir(join(root, 'docs'), { recursive: true })
  await writeFile(file, doc)
}

function machine() {
  const version = (command, args) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
    } catch (e) {
      // `wrk -v` and `nginx -v` exit non-zero or print to stderr.
      return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim()
    }
  }
  const firstLine = (s) => s.split('\n')[0]
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    workerd: version(workerdBinary(), ['--version']),
    nginx: firstLine(execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' })).replace('nginx version: ', ''),
    wrk: firstLine(version('wrk', ['-v'])).split(' [')[0],
  }
}

function commandLine() {
  const env = ['BENCH_DURATION', 'BENCH_WARMUP', 'BENCH_CONNECTIONS', 'BENCH_ROUNDS', 'BENCH_PIN', 'BENCH_ONLY'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`)
  return [...env, 'npm run bench'].join(' ')
}

function workerdBinary() {
  const require = createRequire(import.meta.url)
  return join(require.resolve('workerd/package.json'), '..', 'bin', 'workerd')
}

let compatibility
/** The gateway's compatibility date, read from src/cli/workerd-config.ts so both Workers run alike. */
function compatibilityDate() {
  if (!compatibility) {
    const source = readFileSync(join(root, 'src', 'cli', 'workerd-config.ts'), 'utf8')
    compatibility = source.match(/compatibilityDate = '([\d-]+)'/)?.[1] ?? '2026-04-20'
  }
  return compatibility
}

function fill(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key) => (key in values ? String(values[key]) : whole))
}


async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined)
    if (res) {
      await res.body?.cancel()
      return true
    }
    await delay(50)
  }
  return false
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

/** SIGTERM to a started process and its group (the workerd behind `gateway serve`, say). */
function stop(child) {
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    // already gone
  }
}

/** Stops every process still running (SIGKILL to any left after 3 s) and removes the temp dirs. */
async function cleanup() {
  const running = [...children]
  for (const child of running) stop(child)
  await Promise.race([Promise.all(running.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null))), delay(3000)])
  for (const child of running.filter((c) => c.exitCode === null && c.signalCode === null)) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })))
  await Promise.all(closers.map((close) => close()))
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopping = true
    console.error(`\n${signal}: stopping`)
    cleanup().finally(() => process.exit(130))
  })
}

try {
  await main()
} catch (e) {
  if (!stopping) console.error(e.stack ?? e)
  process.exitCode = 1
} finally {
  await cleanup()
}
