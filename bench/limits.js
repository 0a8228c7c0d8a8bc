/**
 * `node bench/limits.js`: rate limits under load on the runtime we ship (`gateway serve`, one
 * workerd), all on 127.0.0.1. For each limit — an API key whose plan is far above the load, one
 * whose plan is below it, a stage-method limit in one object and the same limit over 4 shards —
 * wrk drives one stage at full speed and the script reports what was offered, admitted, allowed
 * (burst + rate × elapsed) and the Durable Object calls per admitted request, read from the
 * gateway's own `apigateway_throttle_object_calls_total`. Prints a Markdown table.
 *
 * @example
 *   node bench/limits.js
 *   LIMITS_DURATION=20 LIMITS_CONNECTIONS=64 node bench/limits.js
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const duration = Number(process.env.LIMITS_DURATION ?? 10)
const connections = Number(process.env.LIMITS_CONNECTIONS ?? 32)
const adminToken = 'limits-bench-admin-token-0123456789'

/** One stage per limit, so each one's object calls are counted apart. */
const limits = [
  { stage: 'key_above', label: 'API key, plan 1,000,000/s', key: 'key-above-0123456789abcdefghij', rate: 1_000_000, burst: 1_000_000 },
  { stage: 'key_below', label: 'API key, plan 2,000/s burst 1,000', key: 'key-below-0123456789abcdefghij', rate: 2000, burst: 1000 },
  { stage: 'stage_one', label: 'stage method 2,000/s burst 1,000, one object', rate: 2000, burst: 1000 },
  { stage: 'stage_sharded', label: 'stage method 2,000/s burst 1,000, 4 shards', rate: 2000, burst: 1000, shards: 4 },
]

const routes = (backendPort) => `openapi: 3.0.1
info: { title: limits, version: '1' }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
x-gateway:
  stages:
${limits
  .map((l) =>
    l.key
      ? `    ${l.stage}: {}`
      : `    ${l.stage}:\n      methodSettings:\n        '/open/GET': { throttlingRateLimit: ${l.rate}, throttlingBurstLimit: ${l.burst}${l.shards ? `, throttlingShards: ${l.shards}` : ''} }`,
  )
  .join('\n')}
  usagePlans:
${limits
  .filter((l) => l.key)
  .map((l) => `    - { name: ${l.stage}, apiStages: [{ stage: ${l.stage} }], throttle: { rateLimit: ${l.rate}, burstLimit: ${l.burst} } }`)
  .join('\n')}
  apiKeys:
${limits
  .filter((l) => l.key)
  .map((l) => `    - { name: ${l.stage}, value: ${l.key}, usagePlans: [${l.stage}] }`)
  .join('\n')}
paths:
  /keyed:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/echo/keyed' }
  /open:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/echo/open' }
`

const children = new Set()
const work = await mkdtemp(join(tmpdir(), 'gateway-limits-'))
const stopAll = async () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
  }
  await rm(work, { recursive: true, force: true })
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)))

try {
  const backend = await start(process.execPath, [join(root, 'bench', 'backend.js'), '0'])
  const backendPort = Number(new URL(backend).port)
  await writeFile(join(work, 'limits.yaml'), routes(backendPort))
  const port = await freePort()
  const gateway = await start(process.execPath, [join(root, 'bin', 'gateway.js'), 'serve', '--routes', work, '--port', String(port)], {
    GATEWAY_ADMIN_TOKEN: adminToken,
    GATEWAY_ACCOUNT_THROTTLE: '1000000,1000000',
  })
  const rows = []
  for (const limit of limits) {
    const url = `${gateway}/${limit.stage}/${limit.key ? 'keyed' : 'open'}`
    const headers = limit.key ? { 'x-api-key': limit.key } : {}
    const callsBefore = await objectCalls(gateway, limit.stage)
    const run = await wrk(url, headers)
    const calls = (await objectCalls(gateway, limit.stage)) - callsBefore
    const admitted = run.requests - run.non2xx
    const allowed = limit.burst + limit.rate * run.seconds
    rows.push({ ...limit, offered: run.requests, admitted, allowed, seconds: run.seconds, calls, perSecond: run.requestsPerSec })
    console.error(`${limit.label}: ${run.requests} offered, ${admitted} admitted, ${calls} object calls`)
  }
  console.log(table(rows))
} finally {
  await stopAll()
}

/** Spawns a server in its own process group and waits for its `ready <url>` line. */
function start(command, args, env = {}) {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
  children.add(child)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not print ready within 120 s`)), 120_000)
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk
      const ready = out.match(/^ready (\S+)/m)
      if (ready) {
        clearTimeout(timer)
        resolve(ready[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)))
  })
}

/** `apigateway_throttle_object_calls_total` of one stage, from the gateway's Prometheus endpoint. */
async function objectCalls(gateway, stage) {
  const res = await fetch(`${gateway}/_gateway/metrics/prometheus`, { headers: { authorization: `Bearer ${adminToken}` } })
  const text = await res.text()
  if (!res.ok) throw new Error(`/_gateway/metrics/prometheus answered ${res.status}: ${text.slice(0, 200)}`)
  let n = 0
  for (const line of text.split('\n')) if (line.startsWith('apigateway_throttle_object_calls_total{') && line.includes(`stage="${stage}"`)) n += Number(line.split(' ').pop())
  return n
}

/** wrk at full speed for `duration` seconds: requests, non-2xx answers, elapsed seconds. */
function wrk(url, headers) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`]
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  args.push(url)
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk))
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}\n${out}`))
      const elapsed = out.match(/requests in ([\d.]+)(ms|s|m)/)
      resolve({
        requests: Number(out.match(/(\d+) requests in/)?.[1] ?? 0),
        non2xx: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
        requestsPerSec: Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0),
        seconds: elapsed ? Number(elapsed[1]) * { ms: 0.001, s: 1, m: 60 }[elapsed[2]] : duration,
      })
    })
  })
}

function table(rows) {
  const pct = (n) => `${(n * 100).toFixed(1)}%`
  const lines = [
    `| limit | offered (req/s) | admitted / offered | admitted / (burst + rate × ${duration} s) | object calls per admitted request |`,
    '|---|---|---|---|---|',
  ]
  for (const r of rows) {
    lines.push(`| ${r.label} | ${r.offered} (${Math.round(r.perSecond)}) | ${pct(r.admitted / r.offered)} | ${r.allowed > r.offered ? 'not reached' : pct(r.admitted / r.allowed)} | ${(r.calls / Math.max(1, r.admitted)).toFixed(4)} |`)
  }
  return lines.join('\n')
}
