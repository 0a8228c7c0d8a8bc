import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'

/** The child's descriptors: the listening socket (`--socket-fd`) and workerd's control messages (`--control-fd`). */
const socketFd = 3
const controlFd = 4

export interface Workerd {
  /** Resolves true once workerd accepts on the socket it was given, false if it exits first. */
  listening: Promise<boolean>
  /** The exit code `gateway serve` should end with (0 after a stop it asked for). */
  exited: Promise<number>
  /** First call: SIGTERM (workerd finishes in-flight requests, then exits). Later calls: SIGKILL. */
  stop(): void
}

/**
 * Runs `workerd serve config` on an already listening socket, tied to this process: on Linux it
 * is started through util-linux's `setpriv --pdeathsig KILL`, so the kernel kills it when this
 * process dies, even by SIGKILL, and it never serves on with nobody to stop it.
 * @example
 * const workerd = startWorkerd('/tmp/gateway-serve-1-x/config.capnp', socket.fd)
 * if (await workerd.listening) console.log('ready')
 * process.once('SIGTERM', workerd.stop)
 * return workerd.exited
 */
export function startWorkerd(config: string, listeningFd: number): Workerd {
  const args = ['serve', config, `--socket-fd=http=${socketFd}`, `--control-fd=${controlFd}`, '--verbose']
  const [command, argv] = diesWithParent(workerdBinary(), args)
  const child = spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit', listeningFd, 'pipe'] })
  let stops = 0
  const exited = new Promise<number>((resolve) => {
    child.once('error', (e) => {
      console.error(`gateway: cannot start workerd: ${e.message}`)
      resolve(1)
    })
    child.once('exit', (code, signal) => resolve(code ?? (stops > 0 && signal === 'SIGTERM' ? 0 : 1)))
  })
  return {
    listening: Promise.race([listenReported(child), exited.then(() => false)]),
    exited,
    stop: () => {
      child.kill(stops++ === 0 ? 'SIGTERM' : 'SIGKILL')
    },
  }
}

/** workerd writes one JSON line per socket once it accepts on it: `{"event":"listen","socket":"http","port":8080}`. */
async function listenReported(child: ChildProcess): Promise<boolean> {
  for await (const line of createInterface({ input: child.stdio[controlFd] as Readable })) {
    try {
      const message = JSON.parse(line) as { event?: string; socket?: string }
      if (message.event === 'listen' && message.socket === 'http') return true
    } catch {
      // Not a message this version understands.
    }
  }
  return false
}

/**
 * The command that runs `binary args` and is killed when this process dies. Node cannot set
 * PR_SET_PDEATHSIG on a child itself; `setpriv` (util-linux, in every glibc Linux base image) sets
 * it and then execs workerd, which keeps it. Elsewhere workerd starts as it is.
 */
function diesWithParent(binary: string, args: string[]): [string, string[]] {
  const setpriv = process.platform === 'linux' ? onPath('setpriv') : undefined
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args]
}

/** `command` on PATH, or in /usr/bin where a service manager's bare environment may not look. */
function onPath(command: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d.startsWith('/')), '/usr/bin']
  return dirs.map((d) => join(d, command)).find((file) => existsSync(file))
}

function workerdBinary(): string {
  const require = createRequire(import.meta.url)
  return join(require.resolve('workerd/package.json'), '..', 'bin', 'workerd')
}
