// The CLI's own modules as one plain ES module, for the run that must start fast: `wrangler dev`
// reruns `gateway build` on every save in routes/ and holds requests until it ends. Loading the
// TypeScript through tsx costs about 0.5 s a run; this module about 40 ms. Built with esbuild into
// node_modules/.cache on first use and again whenever a source file it was built from changes.
import { mkdir, open, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const entry = 'src/cli/main.ts'
const cache = join(root, 'node_modules', '.cache', 'edge-api-gateway')
const out = join(cache, 'cli.mjs')
// The bundle's first line records what it was built from: `// inputs: {"src/cli/main.ts": [mtimeMs, size], …}`.
const header = '// inputs: '

/**
 * The bundled `src/cli/main.ts` (bundled again first if any source changed since), or undefined
 * when it cannot be built or written here (a read-only install): the caller then runs the
 * TypeScript through tsx.
 * @example const cli = await bundledCli(); process.exitCode = await cli.main(['build', 'routes'])
 */
export async function bundledCli() {
  if (!(await isFresh())) {
    try {
      await bundle()
    } catch {
      return undefined
    }
  }
  return import(pathToFileURL(out).href)
}

async function isFresh() {
  const start = await firstLine(out)
  if (!start?.startsWith(header)) return false
  const inputs = JSON.parse(start.slice(header.length))
  const now = await Promise.all(Object.keys(inputs).map((file) => signature(file)))
  return Object.values(inputs).every((was, i) => was.join() === now[i]?.join())
}

/** The file's first line (read alone: the bundle is over a megabyte), or undefined. */
async function firstLine(file) {
  const handle = await open(file).catch(() => undefined)
  if (!handle) return undefined
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(256 * 1024), 0, 256 * 1024, 0)
    const text = buffer.toString('utf8', 0, bytesRead)
    return text.includes('\n') ? text.slice(0, text.indexOf('\n')) : undefined
  } finally {
    await handle.close()
  }
}

/** A file's modification time and size, or undefined when it is gone. */
const signature = (file) => stat(join(root, file)).then((s) => [s.mtimeMs, s.size], () => undefined)

async function bundle() {
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages too: Node loads one file much faster than zod's hundreds. Their CommonJS parts require Node's modules.
    banner: { js: "import { createRequire as gatewayCreateRequire } from 'node:module'; const require = gatewayCreateRequire(import.meta.url);" },
    // `serve` finds the Worker's sources from its own location, so it runs from source (through tsx) only.
    plugins: [{ name: 'serve-from-source', setup: (b) => b.onResolve({ filter: /^\.\/serve$/ }, () => ({ path: './serve-runs-through-tsx', external: true })) }],
    metafile: true,
    write: false,
    logLevel: 'silent',
  })
  // npm rewrites node_modules/.package-lock.json whenever it changes a package: it stands for them all.
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'))
  const files = [...sources, 'node_modules/.package-lock.json', 'bin/bundled-cli.js']
  const inputs = Object.fromEntries(await Promise.all(files.map(async (file) => [file, await signature(file)])))
  await mkdir(cache, { recursive: true })
  // Written whole, then renamed: two builds at once (wrangler starts with two) never read half a file.
  const partial = `${out}.${process.pid}`
  await writeFile(partial, `${header}${JSON.stringify(inputs)}\n${result.outputFiles[0].text}`)
  await rename(partial, out)
}
