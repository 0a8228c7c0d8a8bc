import { parseArgs } from 'node:util'
import { compileDir, writeTableModule } from './build'
import { serve } from './serve'
import { UsageError } from './load'

const usage = `usage:
  gateway build [DIR] [--out FILE]                   compile DIR (default routes) into the Worker's route table
  gateway validate [DIR]                             check DIR; print every error as file: json.path: reason
  gateway serve --routes DIR --port N [--host H]     serve DIR from the production bundle on workerd`

/** Runs one `gateway` command; resolves to the process exit code (2: a usage mistake). */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv)
  } catch (e) {
    // parseArgs's errors (an unknown option, a missing value) carry an ERR_PARSE_ARGS_* code.
    const usageMistake = e instanceof UsageError || String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
    if (!usageMistake) throw e
    console.error(`gateway: ${(e as Error).message}`)
    if (!(e instanceof UsageError)) console.error(usage)
    return 2
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      routes: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      out: { type: 'string' },
      state: { type: 'string' },
    },
  })
  const dir = values.routes ?? positionals[0] ?? 'routes'
  switch (command) {
    case 'build': {
      const table = await compileDir(dir)
      if (!table) return 1
      await writeTableModule(table, values.out ?? '.gateway/table.js')
      return 0
    }
    case 'validate': {
      const table = await compileDir(dir)
      if (!table) return 1
      console.log(`${dir}: ${table.apis.length} API${table.apis.length === 1 ? '' : 's'} valid`)
      return 0
    }
    case 'serve': {
      const port = Number(values.port ?? 8787)
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`--port must be a port number, got "${values.port}"`)
        return 2
      }
      return serve({ routes: dir, port, host: values.host ?? '127.0.0.1', state: values.state })
    }
    default:
      console.error(usage)
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2
  }
}
