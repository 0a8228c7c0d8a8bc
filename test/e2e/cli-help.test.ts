import { execFile } from 'node:child_process'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routesDir } from './helpers/routes'

/** The `gateway` command line as a new user meets it: help, usage mistakes, and how paths are shown. */

const run = promisify(execFile)
const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))

const gateway = async (args: string[], cwd?: string) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

const everyOption = ['--out FILE', '--routes DIR', '--port N', '--host H', '--state DIR']

describe('gateway --help', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage, naming every command and option, on stdout with exit 0', async (flag) => {
    const res = await gateway([flag])
    expect(res.code).toBe(0)
    expect(res.stderr).toBe('')
    for (const text of ['gateway build', 'gateway validate', 'gateway serve', ...everyOption]) expect(res.stdout).toContain(text)
  })

  it.each([
    ['build', ['--out FILE']],
    ['validate', ['DIR']],
    ['serve', ['--routes DIR', '--port N', '--host H', '--state DIR']],
  ])('%s --help (or -h) describes each of its options, exit 0', async (command, options) => {
    // Each spelling once across the three commands: every spawn costs a tsx start-up.
    const flag = { build: '--help', validate: '-h', serve: '--help' }[command]!
    const res = await gateway([command, flag])
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(new RegExp(`^usage:\\n  gateway ${command} `))
    for (const option of [...options, '-h, --help']) expect(res.stdout).toContain(option)
    if (command === 'serve') expect((await gateway(['help', 'serve'])).stdout).toBe(res.stdout)
  })
})

describe('usage mistakes exit 2 with one line saying what, then the usage', () => {
  it('no command at all', async () => {
    const res = await gateway([])
    expect(res.code).toBe(2)
    expect(res.stdout).toBe('')
    expect(res.stderr).toMatch(/^gateway: no command given\nusage:\n/)
    for (const option of everyOption) expect(res.stderr).toContain(option)
  })

  it('an unknown command', async () => {
    const res = await gateway(['srve'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/^gateway: unknown command "srve"\nusage:\n/)
  })

  it("another command's option, answered with this command's usage and without Node's advice about --", async () => {
    const res = await gateway(['validate', '--port', '3'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/^gateway: Unknown option '--port'\nusage:\n  gateway validate \[DIR\]\n/)
    expect(res.stderr).not.toContain('To specify a positional argument')
  })

  it('two folders', async () => {
    const res = await gateway(['validate', 'a', 'b'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/^gateway: give one DIR at most\n/)
  })

  it('a port that is no port number', async () => {
    const res = await gateway(['serve', '--port', '80x'])
    expect(res.code).toBe(2)
    expect(res.stderr).toMatch(/^gateway: --port must be a port number \(0 to 65535\), got "80x"\n/)
  })
})

describe('paths in messages', () => {
  let project: Awaited<ReturnType<typeof routesDir>>
  const broken = 'openapi: 3.0.1\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration: { type: sorcery }\n'
  const badYaml = 'openapi: 3.0.1\npaths: [oops\n'

  beforeAll(async () => {
    project = await routesDir({})
    const routes = await routesDir({ 'a.yaml': broken, 'b.yaml': badYaml })
    // A project folder holding routes/: the working folder of the runs below.
    await rename(routes.dir, join(project.dir, 'routes'))
    await mkdir(join(project.dir, 'good'))
    await writeFile(join(project.dir, 'good', 'ok.yaml'), broken.replace('sorcery', 'mock'))
  })
  afterAll(() => project?.remove())

  it('shows one form in error lines and the summary: relative inside the working folder, however the folder was named', async () => {
    for (const named of ['routes', join(project.dir, 'routes'), './routes/']) {
      const res = await gateway(['validate', named], project.dir)
      expect(res.code).toBe(1)
      const lines = res.stderr.trim().split('\n')
      expect(lines.filter((l) => l.startsWith('routes/a.yaml: $.paths["/x"].get'))).toHaveLength(1)
      expect(lines.at(-1)).toBe('2 errors in routes')
    }
  })

  it('shows one form outside the working folder too: absolute', async () => {
    const res = await gateway(['validate', join(project.dir, 'routes')], bin.replace(/\/bin\/gateway\.js$/, ''))
    const lines = res.stderr.trim().split('\n')
    expect(lines.some((l) => l.startsWith(`${join(project.dir, 'routes', 'a.yaml')}: `))).toBe(true)
    expect(lines.at(-1)).toBe(`2 errors in ${join(project.dir, 'routes')}`)
  })

  it('gives a YAML syntax error its line and column once, without a dangling colon', async () => {
    const res = await gateway(['validate', 'routes/b.yaml'], project.dir)
    expect(res.code).toBe(1)
    const [line] = res.stderr.split('\n')
    expect(line).toMatch(/^routes\/b\.yaml: line 3, column 1: [A-Z][^:]*[^:\s]$/)
    expect(line.match(/line \d+/g)).toHaveLength(1)
  })

  it('names a valid folder the same way in its summary', async () => {
    const res = await gateway(['validate', join(project.dir, 'good')], project.dir)
    expect(res.code).toBe(0)
    expect(res.stdout).toBe('good: 1 API valid\n')
  })
})
