import type { ParseArgsConfig } from 'node:util'

/** One `gateway` command: its options (for parseArgs) and its help text, naming every option. */
export interface Command {
  name: 'build' | 'validate' | 'serve'
  options: NonNullable<ParseArgsConfig['options']>
  /** `gateway serve [DIR] [--port N] …`: what the summary and the command's help start with. */
  synopsis: string
  summary: string
  /** One line per option: `--port N` → what it does. */
  optionHelp: [string, string][]
}

const help = { help: { type: 'boolean', short: 'h' } } as const
const helpLine: [string, string] = ['-h, --help', 'print this help and exit']

export const commands: Record<Command['name'], Command> = {
  build: {
    name: 'build',
    options: { out: { type: 'string' }, ...help },
    synopsis: 'gateway build [DIR] [--out FILE]',
    summary: "compile DIR (default routes) into the Worker's route table",
    optionHelp: [
      ['DIR', 'a folder of definitions (.yaml, .yml, .json), or one definition file (default routes)'],
      ['--out FILE', 'where the route table module goes (default .gateway/table.js)'],
      helpLine,
    ],
  },
  validate: {
    name: 'validate',
    options: help,
    synopsis: 'gateway validate [DIR]',
    summary: 'check DIR; print every error as file: json.path: reason',
    optionHelp: [['DIR', 'a folder of definitions (.yaml, .yml, .json), or one definition file (default routes)'], helpLine],
  },
  serve: {
    name: 'serve',
    options: { routes: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, state: { type: 'string' }, ...help },
    synopsis: 'gateway serve [DIR | --routes DIR] [--port N] [--host H] [--state DIR]',
    summary: 'serve DIR from the production bundle on workerd',
    optionHelp: [
      ['DIR, --routes DIR', 'a folder of definitions, or one definition file (default routes)'],
      ['--port N', 'the TCP port to listen on (default 8787; 0 picks a free one)'],
      ['--host H', 'the address to listen on (default 127.0.0.1)'],
      ['--state DIR', 'keep Durable Object state and cached responses in DIR across restarts (default: a temporary folder removed on exit)'],
      helpLine,
    ],
  },
}

/**
 * The usage every mistake prints and `gateway --help` shows: every command with every option.
 * @example console.error(usage())
 */
export function usage(): string {
  const lines = Object.values(commands).flatMap((c) => [`  ${c.synopsis}`, `      ${c.summary}`])
  return ['usage:', ...lines, '  gateway COMMAND --help', '      what COMMAND does, option by option'].join('\n')
}

/**
 * `gateway COMMAND --help`: the command's synopsis, summary and one line per option.
 * @example console.log(commandUsage(commands.serve))
 */
export function commandUsage(command: Command): string {
  const width = Math.max(...command.optionHelp.map(([o]) => o.length))
  const summary = `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`
  return ['usage:', `  ${command.synopsis}`, '', summary, '', 'options:', ...command.optionHelp.map(([o, text]) => `  ${o.padEnd(width)}   ${text}`)].join('\n')
}

export const isCommand = (name: string | undefined): name is Command['name'] => name !== undefined && Object.hasOwn(commands, name)
