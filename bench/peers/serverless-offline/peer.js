/**
 * serverless-offline's WebSocket server, the peer `node bench/websocket.js --peer` measures beside the
 * gateway. Its packages live in this folder only (package-lock.json here, exact versions) and are
 * installed with `npm ci` on first use, so the project's own install and CI never fetch them.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const folder = fileURLToPath(new URL('.', import.meta.url))

/** Runs `npm ci` in this folder unless its packages are already there. */
export function installPeer() {
  if (existsSync(join(folder, 'node_modules', 'serverless-offline', 'package.json'))) return
  console.log('installing the peer (npm ci in bench/peers/serverless-offline, once)')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: folder, stdio: 'inherit', timeout: 10 * 60_000 })
  if (result.status !== 0) throw new Error(`npm ci in ${folder} failed (${result.status ?? result.signal})`)
}

/**
 * Starts `serverless offline start` on 127.0.0.1 with serverless.yml from this folder and resolves
 * once its WebSocket server listens. The returned pid is the one Node process that holds the
 * connections and, in worker threads, the Lambda handlers.
 *
 * @example
 * const peer = await startPeer({ websocketPort: 3001, httpPort: 3000, lambdaPort: 3002 })
 * // ws://127.0.0.1:3001/ ... then peer.child.kill()
 */
export async function startPeer({ websocketPort, httpPort, lambdaPort, inProcess }) {
  const cli = join(folder, 'node_modules', 'serverless', 'bin', 'serverless.js')
  const args = ['offline', 'start', '--host', '127.0.0.1', '--websocketPort', websocketPort, '--httpPort', httpPort, '--lambdaPort', lambdaPort]
  if (inProcess) args.push('--useInProcess')
  const child = spawn(process.execPath, [cli, ...args.map(String)], {
    cwd: folder,
    // No telemetry or notices: the benchmark stays on 127.0.0.1.
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // serverless v3 logs to stderr. Both streams are read to the end: it logs a line per connection
  // and per Lambda invocation, and a full pipe would stall it mid-benchmark.
  child.stdout.resume()
  await new Promise((resolve, reject) => {
    let out = ''
    const onData = (d) => {
      out += d
      if (!/Offline \[http for websocket\] listening/.test(out)) return
      child.stderr.off('data', onData)
      resolve()
    }
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`serverless offline exited with ${code}: ${out}`)))
  })
  return { child, pid: child.pid, url: `ws://127.0.0.1:${websocketPort}/` }
}
