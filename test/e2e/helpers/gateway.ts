import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../../bin/gateway.js', import.meta.url))

export interface RunningGateway {
  url: string
  port: number
  /** Everything the process printed so far. */
  output(): string
  stop(): Promise<number | null>
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts `gateway serve --routes DIR` (the real CLI, the production bundle on workerd)
 * and resolves once it prints its `ready` line.
 */
export async function startGateway(routes: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunningGateway> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--routes', routes, '--port', String(port), '--host', '127.0.0.1'], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  let stopping = false
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  // A gateway that dies under a test shows up as refused connections: say so, with its output.
  exited.then((code) => {
    if (!stopping) console.error(`gateway serve on port ${port} exited unexpectedly (${code}):\n${output.slice(-4000)}`)
  })

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not become ready:\n${output}`)), options.timeoutMs ?? 45_000)
    const check = () => {
      if (/ready http:\/\//.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', check)
    exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited with ${code}:\n${output}`))
    })
  })

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    async stop() {
      stopping = true
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
