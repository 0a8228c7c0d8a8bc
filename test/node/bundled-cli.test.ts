import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The build `wrangler dev` reruns on every save runs from a bundle of the CLI (bin/bundled-cli.js),
 * kept in node_modules/.cache and built again when a source it was built from changes.
 */

const run = promisify(execFile)
const checkout = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(checkout, 'bin/gateway.js')
const bundle = join(checkout, 'node_modules/.cache/edge-api-gateway/cli.mjs')
const header = '// inputs: '

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gateway-bundled-cli-'))
})
afterAll(() => rm(work, { recursive: true, force: true }))

const build = (out: string, env: Record<string, string> = {}, routes = join(checkout, 'routes')) =>
  run(process.execPath, [bin, 'build', routes, '--out', out], { cwd: checkout, env: { ...process.env, ...env } })

const recorded = async (): Promise<Record<string, [number, number]>> => {
  const text = await readFile(bundle, 'utf8')
  expect(text.startsWith(header)).toBe(true)
  return JSON.parse(text.slice(header.length, text.indexOf('\n')))
}

describe('gateway build under wrangler dev', () => {
  it('runs from the bundle and writes the same table as the TypeScript does', async () => {
    await build(join(work, 'bundled.js'), { WRANGLER_COMMAND: 'dev' })
    await build(join(work, 'source.js'))
    const inputs = await recorded()
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/definitions/compile.ts', 'bin/bundled-cli.js']))
    // `serve` runs from source only: it finds the Worker's files from its own location.
    expect(Object.keys(inputs)).not.toContain('src/cli/serve.ts')
    expect(await readFile(join(work, 'bundled.js'), 'utf8')).toBe(await readFile(join(work, 'source.js'), 'utf8'))
  })

  it('builds the bundle again when a source it was built from changed', async () => {
    await build(join(work, 'first.js'), { WRANGLER_COMMAND: 'dev' })
    const text = await readFile(bundle, 'utf8')
    const inputs = await recorded()
    const main = await stat(join(checkout, 'src/cli/main.ts'))
    expect(inputs['src/cli/main.ts']).toEqual([main.mtimeMs, main.size])
    // As if src/cli/main.ts had been edited since: the recorded signature no longer matches.
    const stale = { ...inputs, 'src/cli/main.ts': [0, 0] }
    await writeFile(bundle, `${header}${JSON.stringify(stale)}${text.slice(text.indexOf('\n'))}`)
    await build(join(work, 'second.js'), { WRANGLER_COMMAND: 'dev' })
    expect((await recorded())['src/cli/main.ts']).toEqual([main.mtimeMs, main.size])
  })

  it('answers a broken folder with exit 0 and its error printed once', async () => {
    const routes = join(work, 'routes')
    await mkdir(routes)
    await writeFile(join(routes, 'api.yaml'), 'openapi: 3.0.1\npaths:\n  /hello:\n    get:\n      x-amazon-apigateway-integration: { type: mocky }\n')
    const { stderr } = await build(join(work, 'broken.js'), { WRANGLER_COMMAND: 'dev' }, routes)
    expect(stderr.match(/api\.yaml: \$\.paths\["\/hello"\]\.get\["x-amazon-apigateway-integration"\]\.type: must be one of/g)).toHaveLength(1)
    expect(await readFile(join(work, 'broken.js'), 'utf8')).toContain('has errors: the gateway serves nothing until they are fixed')
  })
})
