import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { compileDir, writeTableModule } from './build'
import { cacheStoreModule, workerdConfig } from './workerd-config'
import { checkBindings } from './check-bindings'

export interface ServeOptions {
  routes: string
  port: number
  host: string
  /** Where Durable Object state persists; in memory when unset. */
  state?: string
}

const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Compiles `routes`, bundles the Worker and serves it on workerd (the production runtime,
 * no Miniflare in the request path). Prints `ready <url>` once the port accepts connections.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const table = await compileDir(options.routes)
  if (!table || !checkBindings(table)) return 1
  const work = await mkdtemp(join(tmpdir(), 'gateway-serve-'))
  try {
    await writeTableModule(table, join(work, 'table.js'))
    await bundleWorker(join(work, 'table.js'), join(work, 'worker.js'))
    await bundleCacheStore(join(work, cacheStoreModule))
    // SQLite-backed Durable Objects need a disk: --state keeps it, else it lives and dies with this process.
    const storage = options.state ? resolve(options.state) : join(work, 'state')
    await mkdir(storage, { recursive: true })
    await writeFile(
      join(work, 'config.capnp'),
      workerdConfig({
        address: `${options.host}:${options.port}`,
        storage,
        // API keys whose value comes from the environment (`valueFrom`).
        environment: table.apiKeys.flatMap((k) => (k.valueFrom ? [k.valueFrom] : [])),
      }),
    )
    return await runWorkerd(work, options)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Bundles src/index.ts with the given route table into one ES module for workerd. */
export const bundleWorker = (tableModule: string, outfile: string) =>
  bundleForWorkerd('src/index.ts', outfile, { '@gateway/table': tableModule })

/** Bundles the self-hosted Workers KV service that holds cached responses (src/cache/self-hosted-kv.ts). */
export const bundleCacheStore = (outfile: string) => bundleForWorkerd('src/cache/self-hosted-kv.ts', outfile)

/** One ES module for workerd, resolving packages as wrangler does (workerd, worker, browser). */
async function bundleForWorkerd(entry: string, outfile: string, alias: Record<string, string> = {}) {
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*', 'node:*'],
    alias,
    logLevel: 'warning',
  })
}

function workerdBinary(): string {
  const require = createRequire(import.meta.url)
  return join(require.resolve('workerd/package.json'), '..', 'bin', 'workerd')
}

async function runWorkerd(work: string, options: ServeOptions): Promise<number> {
  const child = spawn(workerdBinary(), ['serve', join(work, 'config.capnp'), '--verbose'], { stdio: ['ignore', 'inherit', 'inherit'] })
  const stop = () => child.kill('SIGTERM')
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  const exited = new Promise<number>((done) => child.once('exit', (code, signal) => done(signal === 'SIGTERM' ? 0 : (code ?? 1))))

  const up = await Promise.race([waitForPort(options.host, options.port, 30_000), exited.then(() => false)])
  if (!up) {
    stop()
    console.error(`workerd did not start listening on ${options.host}:${options.port}`)
    return (await exited) || 1
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  console.log(`ready http://${host}:${options.port}`)
  return exited
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect({ host, port }, () => {
        socket.destroy()
        done(true)
      })
      socket.once('error', () => done(false))
    })
    if (open) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}
