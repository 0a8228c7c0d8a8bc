import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { SourceFile } from '../definitions/compile'

const definitionFile = /\.(ya?ml|json)$/i

/** Reads every definition file (.yaml, .yml, .json) directly in `dir`, sorted by name. */
export async function loadDefinitionFiles(dir: string): Promise<SourceFile[]> {
  const names = (await readdir(dir)).filter((n) => definitionFile.test(n)).sort()
  return Promise.all(
    names.map(async (name) => ({ file: relative(process.cwd(), join(dir, name)) || name, text: await readFile(join(dir, name), 'utf8') })),
  )
}
