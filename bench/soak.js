/**
 * `npm run bench:soak` (node bench/soak.js): the soak benchmark, all on 127.0.0.1 (docs/benchmarks.md, "Soak").
 *
 * Starts the echo backend (bench/backend.js) and one `gateway serve` with three routes to it
 * (bench/soak-routes.template.yaml): http_proxy, http_proxy behind an API key on a usage plan,
 * and http_proxy with the stage cache. It measures the capacity of the mix with wrk (closed loop,
 * the three routes in turn), then sends half of it for SOAK_MINUTES (default 10) from an
 * open-loop client that keeps the rate whatever the latency. Every 10 s it records requests,
 * errors (a status other than 200, a socket error or a 10 s timeout), p50/p99 latency and the
 * resident memory of the server (workerd's VmRSS from /proc). Memory must flatten: growth over
 * the last half of the run at most 5%. Rewrites the marked part of the "Soak" section of
 * docs/benchmarks.md and writes the raw samples to bench/results/soak-<date>.json.
 * Every process it starts is stopped at the end, on error and on Ctrl-C.
 *
 * @example
 *   node bench/soak.js
 *   SOAK_MINUTES=1 node bench/soak.js     # a short check of the script itself
 */
import { execFile, execFileSync, spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { availableParallelism, cpus, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort } from './free-port.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const settings = {
  minutes: Number(process.env.SOAK_MINUTES ?? 10),
  /** Share of the measured capacity sent during the soak. */
  load: Number(process.env.SOAK_LOAD ?? 0.5),
  sampleSeconds: 10,
  capacitySeconds: 10,
  connections: 32,
}
const MAX_GROWTH = 0.05
const KEY = 'soak-key-0123456789abcdefghij'
const START = '<!-- bench:soak:start -->'
const END = '<!-- bench:soak:end -->'
/** 100 distinct paths per route: the cache holds a bounded set of entries, refilled as they expire. */
const PATHS = 100
const routes = [
  { name: 'http_proxy', path: (i) => `/soak/proxy/item/${i}`, headers: {} },
  { name: 'API key', path: (i) => `/soak/keyed/item/${i}`, headers: { 'x-api-key': KEY } },
  { name: 'cache', path: (i) => `/soak/cached/item/${i}`, headers: {} },
]

const children = new Set()
let work
let stopping = false

/** With two or more cores and taskset: the gateway alone on the last core, backend and load on the first. */
const pin = availableParallelism() >= 2 && has('taskset') && process.env.BENCH_PIN !== '0'
const onCore = (core, command, args) => (pin ? ['taskset', ['-c', String(core), command, ...args]] : [command, args])
const serverCore = availableParallelism() - 1

async function main() {
  if (!has('wrk')) throw new Error('wrk is missing: apt-get install -y wrk')
  work = await mkdtemp(join(tmpdir(), 'gateway-soak-'))
  const backend = await start('backend', ...onCore(0, process.execPath, [join(root, 'bench', 'backend.js'), '0']))
  await mkdir(join(work, 'routes'))
  const template = await readFile(join(root, 'bench', 'soak-routes.template.yaml'), 'utf8')
  await writeFile(join(work, 'routes', 'soak.yaml'), template.replaceAll('{{BACKEND_PORT}}', new URL(backend.url).port))
  const port = await freePort()
  // AWS's default account limit would cap the load itself: lift it, as an AWS account does by a quota request.
  const gateway = await start('gateway', ...onCore(serverCore, process.execPath, [join(root, 'bin', 'gateway.js'), 'serve', '--routes', join(work, 'routes'), '--port', String(port)]), {
    GATEWAY_ACCOUNT_THROTTLE: 'off',
  })
  const workerd = findWorkerd(gateway.pid)
  if (!workerd) throw new Error('no workerd process under gateway serve')
  for (const route of routes) {
    const res = await fetch(gateway.url + route.path(0), { headers: route.headers })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${route.path(0)} answered ${res.status}`)
  }

  const capacity = await measureCapacity(gateway.url)
  const rate = Math.round(capacity * settings.load)
  console.log(`capacity ${Math.round(capacity)} req/s; soaking at ${rate} req/s for ${settings.minutes} min`)
  const samples = await soak(gateway.url, rate, workerd)
  const report = { date: new Date().toISOString(), command: commandLine(), machine: machine(), settings, pinned: pin, capacity, rate, samples, ...verdict(samples) }
  await mkdir(join(root, 'bench', 'results'), { recursive: true })
  const file = join(root, 'bench', 'results', `soak-${report.date.replace(/[:.]/g, '-')}.json`)
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  const markdown = render(report)
  console.log(`\n${markdown}\nraw samples: ${file}`)
  await updateDoc(markdown)
}

/** Closed-loop wrk over the three routes in turn (bench/soak.lua): the most the server answers. */
async function measureCapacity(url) {
  const lua = join(work, 'soak.lua')
  await writeFile(lua, wrkScript(new URL(url).host))
  const run = (seconds) =>
    promisify(execFile)(...onCore(0, 'wrk', ['-t1', `-c${settings.connections}`, `-d${seconds}s`, '-s', lua, url]), { encoding: 'utf8' }).then(({ stdout }) => stdout)
  await run(2)
  const out = await run(settings.capacitySeconds)
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  if (errors > 0) throw new Error(`capacity run saw ${errors} non-2xx responses:\n${out}`)
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
}

/** wrk.format with headers of its own sends only those: Host is named here. */
function wrkScript(host) {
  const requests = routes.map((r) => `wrk.format("GET", "${r.path(0)}", { ${Object.entries({ Host: host, ...r.headers }).map(([k, v]) => `["${k}"] = "${v}"`).join(', ')} })`)
  return `local requests = { ${requests.join(', ')} }\nlocal i = 0\nrequest = function()\n  i = i % #requests + 1\n  return requests[i]\nend\n`
}

/**
 * Open loop: every 10 ms it sends the requests due by then, whether or not earlier ones have
 * answered, so a slow server shows as latency and errors rather than as a lower rate.
 */
async function soak(url, rate, workerd) {
  const { hostname, port } = new URL(url)
  // FIFO keeps every connection in use, and a connection idle 4 s is dropped here: workerd closes
  // one idle 5 s, and a request sent on it just then would be a reset the server did not cause.
  const agent = new Agent({ keepAlive: true, maxSockets: settings.connections, scheduling: 'fifo', timeout: 4000 })
  const samples = []
  let window = { latencies: [], errors: 0, errorKinds: {} }
  let sent = 0
  const startedAt = performance.now()
  const endAt = startedAt + settings.minutes * 60_000
  const fail = (kind) => {
    window.errors++
    window.errorKinds[kind] = (window.errorKinds[kind] ?? 0) + 1
  }
  const fire = () => {
    const route = routes[sent % routes.length]
    const path = route.path(Math.floor(sent / routes.length) % PATHS)
    sent++
    const t0 = performance.now()
    const req = request({ host: hostname, port, path, headers: route.headers, agent }, (res) => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode === 200) window.latencies.push(performance.now() - t0)
        else fail(`status ${res.statusCode}`)
      })
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', (e) => fail(e.code ?? e.message))
    req.end()
  }
  let nextSample = startedAt + settings.sampleSeconds * 1000
  while (performance.now() < endAt) {
    await delay(10)
    const now = performance.now()
    const due = Math.floor(((now - startedAt) / 1000) * rate)
    while (sent < due) fire()
    if (now >= nextSample) {
      const { latencies, errors, errorKinds } = window
      window = { latencies: [], errors: 0, errorKinds: {} }
      latencies.sort((a, b) => a - b)
      const at = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] : NaN)
      const sample = {
        seconds: Math.round((now - startedAt) / 1000),
        answered: latencies.length,
        errors,
        errorKinds,
        p50: round(at(0.5)),
        p99: round(at(0.99)),
        rssMiB: round(rssKiB(workerd) / 1024),
      }
      samples.push(sample)
      console.log(`${String(sample.seconds).padStart(4)} s  ${sample.answered} ok  ${errors} errors  p50 ${sample.p50} ms  p99 ${sample.p99} ms  workerd RSS ${sample.rssMiB} MiB`)
      nextSample += settings.sampleSeconds * 1000
    }
  }
  await delay(2000)
  agent.destroy()
  return samples
}

/** Memory flattens when the last half of the run grew by at most 5%; errors must be none. */
function verdict(samples) {
  const half = samples.find((s) => s.seconds >= (settings.minutes * 60) / 2) ?? samples[0]
  const last = samples.at(-1)
  const growth = (last.rssMiB - half.rssMiB) / half.rssMiB
  const errors = samples.reduce((sum, s) => sum + s.errors, 0)
  const answered = samples.reduce((sum, s) => sum + s.answered, 0)
  return { growth: round(growth * 100) / 100, errors, answered, halfRssMiB: half.rssMiB, lastRssMiB: last.rssMiB, memoryFlat: growth <= MAX_GROWTH }
}

function render(r) {
  const fmt = (n) => Math.round(n).toLocaleString('en-US')
  const maxP99 = Math.max(...r.samples.map((s) => s.p99))
  const rows = r.samples.map((s) => `| ${s.seconds} | ${fmt(s.answered / settings.sampleSeconds)} | ${s.errors} | ${s.p50} | ${s.p99} | ${s.rssMiB} |`)
  return [
    `Run on ${r.date} with \`${r.command}\`.`,
    '',
    `Machine: ${r.machine}. ${r.pinned ? `Pinned: the gateway on core ${serverCore}, the backend, wrk and the client on core 0.` : 'Not pinned.'}`,
    `Capacity of the mix (\`wrk -t1 -c${settings.connections} -d${settings.capacitySeconds}s\`, the three routes in turn): ${fmt(r.capacity)} req/s. Soak: ${fmt(r.rate)} req/s (${settings.load * 100}%) for ${settings.minutes} min, open loop, up to ${settings.connections} keep-alive connections.`,
    '',
    `**${fmt(r.answered)} requests answered 200, ${r.errors} errors${r.errors ? ` (${errorKinds(r.samples)})` : ''}; p99 at most ${maxP99} ms in any 10 s window. workerd RSS ${r.halfRssMiB} MiB at half time, ${r.lastRssMiB} MiB at the end: ${r.growth >= 0 ? '+' : ''}${(r.growth * 100).toFixed(1)}% over the last half (bar ≤ ${MAX_GROWTH * 100}%: ${r.memoryFlat ? 'met' : 'NOT met'}).**`,
    '',
    '<details><summary>Every 10 s</summary>',
    '',
    '| s | req/s answered | errors | p50 ms | p99 ms | workerd RSS MiB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '</details>',
  ].join('\n')
}

/** `ECONNRESET 3, status 502 1`: the errors of every window by kind. */
function errorKinds(samples) {
  const kinds = {}
  for (const s of samples) for (const [kind, n] of Object.entries(s.errorKinds)) kinds[kind] = (kinds[kind] ?? 0) + n
  return Object.entries(kinds).map(([kind, n]) => `${kind} ${n}`).join(', ')
}

/** The workerd process under `gateway serve` (its child, or a grandchild behind a wrapper). */
function findWorkerd(pid) {
  const childrenOf = (id) => {
    try {
      return readdirSync(`/proc/${id}/task`).flatMap((t) => readFileSync(`/proc/${id}/task/${t}/children`, 'utf8').split(' ').filter(Boolean))
    } catch {
      return []
    }
  }
  const queue = childrenOf(pid)
  while (queue.length) {
    const id = queue.shift()
    if (readFileSync(`/proc/${id}/comm`, 'utf8').trim() === 'workerd') return Number(id)
    queue.push(...childrenOf(id))
  }
  return undefined
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN)
}

/** Spawns a server in its own process group; resolves with the URL of its `ready URL` line and its pid. */
function start(name, command, args, env = {}) {
  const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  children.add(child)
  let output = ''
  child.once('exit', (code, signal) => {
    children.delete(child)
    if (!stopping) console.error(`${name} exited (${signal ?? code}):\n${output.slice(-3000)}`)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after 120 s:\n${output}`)), 120_000)
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output = (output + chunk).slice(-8000)
      const m = /ready (\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1], pid: child.pid })
      }
    })
    child.stderr.setEncoding('utf8').on('data', (c) => (output = (output + c).slice(-8000)))
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)))
  })
}

async function updateDoc(markdown) {
  const doc = join(root, 'docs', 'benchmarks.md')
  const text = await readFile(doc, 'utf8')
  const from = text.indexOf(START)
  const to = text.indexOf(END)
  if (from === -1 || to === -1) return console.log('docs/benchmarks.md has no soak markers: not updated')
  await writeFile(doc, `${text.slice(0, from + START.length)}\n${markdown}\n${text.slice(to)}`)
  console.log('updated: docs/benchmarks.md (Soak)')
}

function machine() {
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU'
  const workerd = JSON.parse(readFileSync(join(root, 'node_modules', 'workerd', 'package.json'), 'utf8')).version
  return `${availableParallelism()} cores (${cpu}), Linux ${release()}, Node ${process.version}, workerd ${workerd}`
}

function commandLine() {
  const env = ['SOAK_MINUTES', 'SOAK_LOAD', 'BENCH_PIN'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`)
  return [...env, 'node bench/soak.js'].join(' ')
}

function has(tool) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const round = (n) => Math.round(n * 100) / 100
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function cleanup() {
  stopping = true
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
  if (work) await rm(work, { recursive: true, force: true })
}

process.once('SIGINT', () => cleanup().then(() => process.exit(130)))
main()
  .then(cleanup)
  .catch(async (e) => {
    console.error(e)
    await cleanup()
    process.exit(1)
  })
