import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { textModules } from './text-modules'
import { compileDir, writeTableModule } from './build'
import { ListenError, listenOn } from './listen'
import { makeWorkDir } from './work-dir'
import { startWorkerd } from './workerd-process'
import { cacheStoreModule, workerdConfig } from './workerd-config'
import { checkBindings } from './check-bindings'
import { awsEndpointVariables, badAwsEndpoints } from './aws-endpoint-environment'

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
 * no Miniflare in the request path). Prints `ready <url>` once workerd accepts on the socket
 * this process opened; a port that cannot be opened is one line on stderr and exit 1.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const table = await compileDir(options.routes)
  if (!table || !checkBindings(table)) return 1
  const badEndpoints = badAwsEndpoints(process.env)
  for (const line of badEndpoints) console.error(`gateway: ${line}`)
  if (badEndpoints.length > 0) return 1
  const work = await makeWorkDir()
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
        // API keys whose value comes from the environment (`valueFrom`), and the AWS SDKs' endpoint variables.
        environment: [...table.apiKeys.flatMap((k) => (k.valueFrom ? [k.valueFrom] : [])), ...awsEndpointVariables(process.env)],
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
    plugins: [textModules()],
  })
}

async function runWorkerd(work: string, options: ServeOptions): Promise<number> {
  let socket
  try {
    socket = await listenOn(options.host, options.port)
  } catch (e) {
    if (!(e instanceof ListenError)) throw e
    console.error(`gateway: ${e.message}`)
    return 1
  }
  const workerd = startWorkerd(join(work, 'config.capnp'), socket.fd)
  // workerd holds its own copy of the socket now; this process must not accept on it.
  socket.close()
  process.on('SIGTERM', workerd.stop)
  process.on('SIGINT', workerd.stop)
  try {
    if (!(await workerd.listening)) {
      console.error('gateway: workerd stopped before serving (its messages are above)')
      return (await workerd.exited) || 1
    }
    const host = options.host.includes(':') ? `[${options.host}]` : options.host
    console.log(`ready http://${host}:${socket.port}`)
    return await workerd.exited
  } finally {
    process.off('SIGTERM', workerd.stop)
    process.off('SIGINT', workerd.stop)
  }
}
