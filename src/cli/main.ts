import { parseArgs } from 'node:util'
import { compileDir, writeTableModule } from './build'
import { UsageError } from './load'
import { commandUsage, commands, isCommand, usage, type Command } from './usage'
import { devBuild } from './dev-build'

/**
 * Runs one `gateway` command; resolves to the process exit code (2: a usage mistake, no command
 * included; `--help` is 0, its text on stdout).
 * @example process.exitCode = await main(['validate', 'routes'])
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = rest[0]
    if (about !== undefined && !isCommand(about)) return mistake(`unknown command "${about}"`)
    console.log(about ? commandUsage(commands[about]) : usage())
    return 0
  }
  if (name === undefined) return mistake('no command given')
  if (!isCommand(name)) return mistake(`unknown command "${name}"`)
  const command = commands[name]
  let parsed
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: command.options })
  } catch (e) {
    // parseArgs's errors (an unknown option, a missing value) carry an ERR_PARSE_ARGS_* code.
    if (!String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) throw e
    return mistake(parseArgsMessage(e as Error), command)
  }
  if (parsed.values.help) {
    console.log(commandUsage(command))
    return 0
  }
  try {
    return await run(command, parsed.values as Record<string, string | undefined>, parsed.positionals)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    console.error(`gateway: ${e.message}`)
    return 2
  }
}

async function run(command: Command, values: Record<string, string | undefined>, positionals: string[]): Promise<number> {
  if (positionals.length > 1 || (values.routes !== undefined && positionals.length > 0)) return mistake('give one DIR at most', command)
  const dir = values.routes ?? positionals[0] ?? 'routes'
  switch (command.name) {
    case 'build': {
      // Under `wrangler dev` a broken folder must not stop the server (cli/dev-build.ts); `wrangler deploy` stays strict.
      if (process.env.WRANGLER_COMMAND === 'dev') return devBuild(dir, values.out ?? '.gateway/table.js')
      const table = await compileDir(dir)
      if (!table) return 1
      await writeTableModule(table, values.out ?? '.gateway/table.js')
      return 0
    }
    case 'validate':
      return (await compileDir(dir, { summary: true })) ? 0 : 1
    case 'serve': {
      const port = Number(values.port ?? 8787)
      if (!/^\d+$/.test(values.port ?? '8787') || port > 65535) return mistake(`--port must be a port number (0 to 65535), got "${values.port}"`, command)
      // Loaded here only: the build wrangler dev reruns on every save needs none of it.
      const { serve } = await import('./serve')
      return serve({ routes: dir, port, host: values.host ?? '127.0.0.1', state: values.state })
    }
  }
}

/** A usage mistake: one line saying what, then the usage (the command's own when known); exit 2. */
function mistake(message: string, command?: Command): number {
  console.error(`gateway: ${message}`)
  console.error(command ? commandUsage(command) : usage())
  return 2
}

// Node's text adds advice about '--' that only confuses here: "Unknown option '--prot'. To specify …".
const parseArgsMessage = (e: Error) => e.message.split(/\. To specify/)[0]
