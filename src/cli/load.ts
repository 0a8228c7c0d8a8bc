import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { SourceFile } from '../definitions/compile'
import { shownPath } from './shown-path'

const definitionFile = /\.(ya?ml|json)$/i

/** A command-line mistake: printed as its message alone, without a stack. */
export class UsageError extends Error {}

/**
 * Reads every definition file (.yaml, .yml, .json) directly in `dir`, sorted by name; `dir` may
 * also name one definition file. Each file is named as every message shows paths (`shownPath`).
 * @example const files = await loadDefinitionFiles('routes') // [{ file: 'routes/petstore.yaml', text: '…' }]
 */
export async function loadDefinitionFiles(dir: string): Promise<SourceFile[]> {
  const kind = await stat(dir).catch(() => undefined)
  if (!kind) throw new UsageError(`${shownPath(dir)}: no such folder`)
  if (!kind.isDirectory() && !definitionFile.test(dir)) throw new UsageError(`${shownPath(dir)}: not a folder or a .yaml, .yml or .json definition`)
  const [folder, names] = kind.isDirectory()
    ? [dir, (await readdir(dir)).filter((n) => definitionFile.test(n)).sort()]
    : [dirname(dir), [basename(dir)]]
  return Promise.all(
    names.map(async (name) => ({ file: shownPath(join(folder, name)), text: await readFile(join(folder, name), 'utf8') })),
  )
}
