import { compileDefinitions, compileOrThrow } from '../definitions/compile'
import { formatError, type DefinitionError } from '../definitions/errors'
import type { RouteTable } from '../definitions/table'
import { writeTableModule } from './build'
import { loadDefinitionFiles } from './load'
import { shownPath } from './shown-path'

/**
 * `gateway build` as `wrangler dev` runs it (on start and on every save in routes/; wrangler says
 * so in `WRANGLER_COMMAND=dev`). Never fails: a folder with errors becomes a route table that
 * answers every request with a 500 naming them, so requests never wait on a build wrangler
 * refused, and wrangler prints no dump of its own. The errors are printed once, as
 * `file: json.path: reason`: a build that leaves the table as it was (wrangler builds twice at
 * start-up) prints nothing again.
 * @example process.exitCode = await devBuild('routes', '.gateway/table.js') // always 0
 */
export async function devBuild(dir: string, out: string): Promise<number> {
  const { table, errors, warnings } = compileDefinitions(await loadDefinitionFiles(dir))
  const shown = shownPath(dir)
  const served = errors.length > 0 ? errorTable(shown, errors) : table
  if (!(await writeTableModule(served, out))) return 0
  for (const w of warnings) console.error(`warning: ${formatError(w)}`)
  for (const e of errors) console.error(formatError(e))
  if (errors.length > 0) console.error(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${shown}: every request answers 500 naming them until they are fixed`)
  else console.error(`${shown}: ${table.apis.length} API${table.apis.length === 1 ? '' : 's'} built`)
  return 0
}

/**
 * A table of one API without resources, whose MISSING_AUTHENTICATION_TOKEN response (what every
 * request to it meets) is a 500 listing the errors: made of the gateway's own parts, so the
 * Worker needs no mode of its own for it.
 */
function errorTable(dir: string, errors: DefinitionError[]): RouteTable {
  const body = JSON.stringify({ message: `${dir} has errors: the gateway serves nothing until they are fixed`, errors: errors.map(formatError) }, null, 2)
  const doc = {
    openapi: '3.0.1',
    info: { title: 'build errors' },
    'x-gateway': { apiId: 'build-errors' },
    paths: {},
    'x-amazon-apigateway-gateway-responses': {
      // Gateway response templates substitute `$context.…`; an error text holding one stays literal as \u0024.
      MISSING_AUTHENTICATION_TOKEN: { statusCode: '500', responseTemplates: { 'application/json': body.replaceAll('$', '\\u0024') } },
    },
  }
  return compileOrThrow([{ file: 'build-errors.json', text: JSON.stringify(doc) }])
}
