import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { compileDefinitions } from '../definitions/compile'
import { formatError } from '../definitions/errors'
import type { RouteTable } from '../definitions/table'
import { loadDefinitionFiles } from './load'
import { shownPath } from './shown-path'

/**
 * Compiles `dir`; prints every error as `file: json.path: reason` and returns undefined when any.
 * With `summary`, a valid folder also gets `DIR: N APIs valid` on stdout (`gateway validate`).
 * @example const table = await compileDir('routes')
 */
export async function compileDir(dir: string, options: { summary?: boolean } = {}): Promise<RouteTable | undefined> {
  const files = await loadDefinitionFiles(dir)
  const shown = shownPath(dir)
  if (files.length === 0) console.error(`warning: ${shown}: no definitions (.yaml, .yml or .json files) to serve`)
  const { table, errors, warnings } = compileDefinitions(files)
  for (const w of warnings) console.error(`warning: ${formatError(w)}`)
  for (const e of errors) console.error(formatError(e))
  if (errors.length > 0) {
    console.error(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${shown}`)
    return undefined
  }
  if (options.summary) console.log(`${shown}: ${table.apis.length} API${table.apis.length === 1 ? '' : 's'} valid`)
  return table
}

/**
 * Writes the route table as the ES module the Worker imports as `@gateway/table`; answers whether
 * the file changed (an identical table is not written again, so watchers see no change).
 * @example if (await writeTableModule(table, '.gateway/table.js')) console.log('rebuilt')
 */
export async function writeTableModule(table: RouteTable, out: string): Promise<boolean> {
  const text = `export default ${JSON.stringify(table)}\n`
  if ((await readFile(out, 'utf8').catch(() => undefined)) === text) return false
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, text)
  return true
}
