import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const prefix = 'gateway-serve-'
/** `gateway-serve-<pid>-<random>`: the pid of the `gateway serve` that owns the folder. */
const owned = new RegExp(`^${prefix}(\\d+)-`)

/**
 * A temporary folder for one `gateway serve` (bundle, config, in-memory state), named after this
 * process. A run killed with SIGKILL cannot remove its own, so each start first removes the
 * folders of runs whose process no longer exists.
 * @example const work = await makeWorkDir() // /tmp/gateway-serve-4242-Ab3dEf
 */
export async function makeWorkDir(): Promise<string> {
  await removeOrphans()
  return mkdtemp(join(tmpdir(), `${prefix}${process.pid}-`))
}

async function removeOrphans(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [])
  for (const name of names) {
    const pid = owned.exec(name)?.[1]
    if (!pid || isRunning(Number(pid))) continue
    // Another user's folder in a shared /tmp is theirs to remove: skip what cannot be.
    await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined)
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
