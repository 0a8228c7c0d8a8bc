import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { compileDefinitions } from '../definitions/compile'
import { formatError } from '../definitions/errors'
import type { RouteTable } from '../definitions/table'
import { loadDefinitionFiles } from './load'

/** Compiles `dir`; prints every error as `file: json.path: reason` and returns undefined when any. */
export async function compileDir(dir: string): Promise<RouteTable | undefined> {
  const files = await loadDefinitionFiles(dir)
  if (files.length === 0) console.error(`warning: ${dir}: no definitions (.yaml, .yml or .json files) to serve`)
  const { table, errors, warnings } = compileDefinitions(files)
  for (const w of warnings) console.error(`warning: ${formatError(w)}`)
  for (const e of errors) console.error(formatError(e))
  if (errors.length > 0) {
    console.error(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${dir}`)
    return undefined
  }
  return table
}

/** Writes the route table as the ES module the Worker imports as `@gateway/table`. */
export async function writeTableModule(table: RouteTable, out: string) {
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, `export default ${JSON.stringify(table)}\n`)
}
