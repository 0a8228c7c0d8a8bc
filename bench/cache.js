/**
 * `node bench/cache.js`: the response cache's benchmark, all on 127.0.0.1 (docs/benchmarks.md,
 * "Response cache"). One `gateway serve` with one http_proxy route to the echo backend
 * (bench/backend.js) on three stages: caching off, caching on (hits from the isolate's memory
 * tier, KV behind it), and caching on with `cacheMemoryTtlInSeconds: 0` (every hit reads Workers
 * KV, here the self-hosted store). The targets take turns for BENCH_ROUNDS rounds; each row is
 * the median. Rewrites the marked part of the "Response cache" section of docs/benchmarks.md.
 * Every process it starts is stopped at the end, on error and on Ctrl-C.
 *
 * @example
 *   node bench/cache.js
 *   BENCH_DURATION=5 BENCH_ROUNDS=1 node bench/cache.js
 */
import { execFile, execFileSync, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const settings = {
  duration: Number(process.env.BENCH_DURATION ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
}
const BAR = 1.5
const START = '<!-- bench:cache:start -->'
const END = '<!-- bench:cache:end -->'
const children = new Set()
let work
let stopping = false

const routes = (port) => `openapi: 3.0.1
info: { title: cache-bench, version: '1' }
x-gateway:
  stages:
    off: {}
    memory:
      cacheClusterEnabled: true
      methodSettings: { '*/*': { cachingEnabled: true, cacheTtlInSeconds: 3600 } }
    kv:
      cacheClusterEnabled: true
      cacheMemoryTtlInSeconds: 0
      methodSettings: { '*/*': { cachingEnabled: true, cacheTtlInSeconds: 3600 } }
paths:
  /echo/{proxy+}:
    get:
      parameters: [{ name: proxy, in: path, required: true }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}/echo/{proxy}
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
        cacheKeyParameters: [method.request.path.proxy]
`

async function main() {
  work = await mkdtemp(join(tmpdir(), 'gateway-cache-bench-'))
  const backend = await start(process.execPath, [join(root, 'bench', 'backend.js'), '0'])
  await mkdir(join(work, 'routes'))
  await writeFile(join(work, 'routes', 'bench.yaml'), routes(new URL(backend).port))
  const port = await freePort()
  // AWS's default account limit (10,000 rps per isolate here) would cap the load itself: lift it.
  const gateway = await start(process.execPath, [join(root, 'bin', 'gateway.js'), 'serve', '--routes', join(work, 'routes'), '--port', String(port)], {
    GATEWAY_ACCOUNT_THROTTLE: 'off',
  })
  const targets = [
    { name: 'off', label: 'http_proxy, caching off', url: `${gateway}/off/echo/a/b` },
    { name: 'memory', label: 'cache hit (memory tier, KV behind)', url: `${gateway}/memory/echo/a/b` },
    { name: 'kv', label: 'cache hit read from KV (`cacheMemoryTtlInSeconds: 0`)', url: `${gateway}/kv/echo/a/b` },
  ]
  for (const t of targets) {
    const first = await fetch(t.url)
    await first.arrayBuffer()
    if (first.status !== 200) throw new Error(`${t.url} answered ${first.status}`)
  }
  for (let round = 1; round <= settings.rounds; round++) {
    console.log(`round ${round}/${settings.rounds}`)
    for (const t of targets) {
      await wrk(t.url, settings.warmup)
      const r = await wrk(t.url, settings.duration)
      ;(t.runs ??= []).push(r)
      console.log(`  ${t.label.padEnd(56)} ${Math.round(r.rps)} req/s`)
    }
  }
  for (const t of targets) t.result = [...t.runs].sort((a, b) => a.rps - b.rps)[Math.floor(t.runs.length / 2)]
  const markdown = render(targets)
  console.log(`\n${markdown}`)
  const doc = join(root, 'docs', 'benchmarks.md')
  const text = await readFile(doc, 'utf8')
  const from = text.indexOf(START)
  const to = text.indexOf(END)
  if (from === -1 || to === -1) console.log('docs/benchmarks.md has no cache markers: not updated')
  else {
    await writeFile(doc, `${text.slice(0, from + START.length)}\n${markdown}\n${text.slice(to)}`)
    console.log('updated: docs/benchmarks.md (Response cache)')
  }
}

/** Runs wrk without blocking this process, which must keep draining the servers' output pipes. */
async function wrk(url, seconds) {
  const { stdout: out } = await promisify(execFile)('wrk', ['-t1', `-c${settings.connections}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0)
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out)
    return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN
  }
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  return { rps, p50: ms('50%'), p99: ms('99%'), non2xx }
}

function render(targets) {
  const [off, memory, kv] = targets.map((t) => t.result)
  const fmt = (n) => Math.round(n).toLocaleString('en-US')
  const ratio = (a, b) => (a / b).toFixed(2)
  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU'
  const workerd = execFileSync(process.execPath, ['-e', "console.log(require('workerd/package.json').version)"], { cwd: root, encoding: 'utf8' }).trim()
  return [
    `Run on ${new Date().toISOString()} with \`${[...['BENCH_DURATION', 'BENCH_WARMUP', 'BENCH_CONNECTIONS', 'BENCH_ROUNDS'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`), 'node bench/cache.js'].join(' ')}\`.`,
    '',
    `Machine: ${availableParallelism()} cores (${cpu}), Linux ${release()}, Node ${process.version}, workerd ${workerd}.`,
    `Load: \`wrk -t1 -c${settings.connections} -d${settings.duration}s --latency\` per target after a ${settings.warmup} s warm-up; ${settings.rounds} round${settings.rounds === 1 ? '' : 's'} taking turns, each row is the median round.`,
    '',
    '| target | req/s | p50 ms | p99 ms | notes |',
    '| --- | ---: | ---: | ---: | --- |',
    ...targets.map(({ label, result: r }) => `| ${label} | ${fmt(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(1)} | ${r.non2xx ? `${r.non2xx} non-2xx` : ''} |`),
    '',
    '| ratio (req/s) | value |',
    '| --- | ---: |',
    `| cache hit / caching off (bar ≥ ${BAR}: ${memory.rps / off.rps >= BAR ? 'met' : 'NOT met'}) | ${ratio(memory.rps, off.rps)} |`,
    `| cache hit read from KV / caching off | ${ratio(kv.rps, off.rps)} |`,
  ].join('\n')
}

/** Spawns a server in its own process group and resolves with the URL it prints as `ready URL`. */
function start(command, args, env = {}) {
  const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  children.add(child)
  child.once('exit', (code, signal) => {
    children.delete(child)
    if (!stopping) console.error(`${command} ${args[0]} exited (${signal ?? code}):\n${output.slice(-3000)}`)
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 120 s:\n${output}`)), 120_000)
    const onData = (chunk) => {
      output = (output + chunk).slice(-8000)
      const m = /ready (\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', (c) => (output = (output + c).slice(-8000)))
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}):\n${output}`)))
  })
}


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
