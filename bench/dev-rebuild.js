/**
 * `node bench/dev-rebuild.js`: how long a broken save under `npm start` (wrangler dev with this
 * repository's wrangler.toml) keeps requests waiting, on this machine, all on 127.0.0.1.
 *
 * Starts wrangler dev in a project folder of its own, then, round after round, saves a broken
 * routes/api.yaml and measures: the first 500 naming the error (requests sent every 50 ms from the
 * save on), the request sent at the save (in flight during the rebuild) and the request sent 1 s
 * after it; then saves a good file and waits for its 200. Wrangler's log lines are timed from the
 * save, to show where the time goes (build command, bundle, reload). Prints each round and the
 * medians with the load average. Wrangler is stopped at the end, on error and on Ctrl-C.
 *
 * @example
 *   node bench/dev-rebuild.js
 *   ROUNDS=9 node bench/dev-rebuild.js
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const rounds = Number(process.env.ROUNDS ?? 5)
const good = (greeting) => `openapi: 3.0.1
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"greeting": "${greeting}"}' } } }
`
const broken = 'openapi: 3.0.1\npaths:\n  /hello:\n    get:\n      x-amazon-apigateway-integration: { type: mocky }\n'

const project = await mkdtemp(join(tmpdir(), 'gateway-dev-bench-'))
let wrangler
const stop = async () => {
  wrangler?.kill('SIGTERM')
  await rm(project, { recursive: true, force: true })
}
process.on('SIGINT', () => void stop().then(() => process.exit(130)))

let log = []
try {
  await mkdir(join(project, 'routes'))
  await writeFile(join(project, 'routes', 'api.yaml'), good('hi'))
  const config = (await readFile(join(root, 'wrangler.toml'), 'utf8'))
    .replace('main = "src/index.ts"', `main = ${JSON.stringify(join(root, 'src/index.ts'))}`)
    .replace('node bin/gateway.js', `node '${join(root, 'bin/gateway.js')}'`)
  await writeFile(join(project, 'wrangler.toml'), config)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/hello`
  wrangler = spawn(
    join(root, 'node_modules/.bin/wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--show-interactive-dev-session=false'],
    { cwd: project, env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const onData = (d) => {
    output += d
    for (const line of String(d).split('\n')) if (line.trim()) log.push({ at: performance.now(), line: line.trim() })
  }
  wrangler.stdout.on('data', onData)
  wrangler.stderr.on('data', onData)
  await until(() => /Ready on http/.test(output), 90_000, () => `wrangler dev did not start:\n${output}`)
  await untilAnswer(url, (a) => a.status === 200, 30_000)
  // Let the start-up's second build and reload settle.
  await new Promise((r) => setTimeout(r, 3000))

  const results = []
  for (let round = 1; round <= rounds; round++) {
    log = []
    const saved = performance.now()
    await writeFile(join(project, 'routes', 'api.yaml'), broken)
    const inFlight = timed(url, saved)
    const atOneSecond = new Promise((r) => setTimeout(r, Math.max(0, saved + 1000 - performance.now()))).then(() => timed(url, saved))
    let first
    while (!first && performance.now() - saved < 30_000) {
      const probe = timed(url, saved)
      void probe.then((a) => { if (a.status === 500 && (!first || a.answeredMs < first.answeredMs)) first = a })
      await new Promise((r) => setTimeout(r, 50))
    }
    const [held, late] = await Promise.all([inFlight, atOneSecond])
    const phases = log.map((l) => `      +${Math.round(l.at - saved)} ms ${l.line.slice(0, 100)}`).join('\n')
    const result = { firstMs: first?.answeredMs, inFlightMs: held.answeredMs, inFlightStatus: held.status, oneSecondStatus: late.status, oneSecondWaitMs: late.answeredMs - late.sentMs }
    results.push(result)
    console.log(`round ${round}: first 500 at ${Math.round(result.firstMs)} ms; in-flight request answered ${held.status} at ${Math.round(held.answeredMs)} ms; request sent at 1 s answered ${late.status} after ${Math.round(result.oneSecondWaitMs)} ms (load ${loadavg()[0].toFixed(2)})\n${phases}`)
    await writeFile(join(project, 'routes', 'api.yaml'), good(`round${round}`))
    await untilAnswer(url, (a) => a.status === 200, 30_000)
    await new Promise((r) => setTimeout(r, 1000))
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  console.log(`\nmedian of ${rounds}: first 500 ${Math.round(median(results.map((r) => r.firstMs)))} ms after the save; in-flight request ${Math.round(median(results.map((r) => r.inFlightMs)))} ms; request sent at 1 s waited ${Math.round(median(results.map((r) => r.oneSecondWaitMs)))} ms (statuses ${results.map((r) => r.oneSecondStatus).join(' ')}); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
} finally {
  await stop()
}

/** A request sent now; times are from `saved`. Network failures count as status 0. */
async function timed(url, saved) {
  const sentMs = performance.now() - saved
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
    const body = await res.text()
    return { status: res.status, body, sentMs, answeredMs: performance.now() - saved }
  } catch {
    return { status: 0, body: '', sentMs, answeredMs: performance.now() - saved }
  }
}

async function untilAnswer(url, test, ms) {
  const started = performance.now()
  while (performance.now() - started < ms) {
    if (test(await timed(url, started))) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no expected answer from ${url} in ${ms} ms`)
}

async function until(test, ms, message) {
  const started = performance.now()
  while (!test()) {
    if (performance.now() - started > ms) throw new Error(message())
    await new Promise((r) => setTimeout(r, 100))
  }
}
