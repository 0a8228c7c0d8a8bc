import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The README's three ways to run `gateway`, run as written: `npx gateway` inside the checkout,
 * `npm exec --prefix CHECKOUT -- gateway` from any other folder, and a global install of the
 * checkout (here into a temporary prefix). No registry is asked: each resolves to this checkout.
 */

const run = promisify(execFile)
const checkout = fileURLToPath(new URL('../..', import.meta.url))
const api = "openapi: 3.0.1\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{\"statusCode\": 200}' } }\n"

let elsewhere: string

beforeAll(async () => {
  // A user's own project folder, outside the checkout, with its routes/.
  elsewhere = await mkdtemp(join(tmpdir(), 'gateway-user-'))
  await mkdir(join(elsewhere, 'routes'))
  await writeFile(join(elsewhere, 'routes', 'orders.yaml'), api)
})
afterAll(() => rm(elsewhere, { recursive: true, force: true }))

const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } })

describe('running gateway', () => {
  it('inside the checkout: npx gateway', async () => {
    const { stdout } = await npm(['exec', '--no-install', '--', 'gateway', 'validate', join(elsewhere, 'routes')], checkout)
    expect(stdout).toBe(`${join(elsewhere, 'routes')}: 1 API valid\n`)
  })

  it('from any other folder: npm exec --prefix CHECKOUT -- gateway, paths relative to that folder', async () => {
    const { stdout } = await npm(['exec', '--prefix', checkout, '--no-install', '--', 'gateway', 'validate', 'routes'], elsewhere)
    expect(stdout).toBe('routes: 1 API valid\n')
  })

  it('installed globally from the checkout (npm install -g CHECKOUT): gateway on the PATH', async () => {
    const prefix = join(elsewhere, 'global')
    await npm(['install', '--global', '--prefix', prefix, checkout], elsewhere)
    const { stdout } = await run(join(prefix, 'bin', 'gateway'), ['validate', 'routes'], { cwd: elsewhere })
    expect(stdout).toBe('routes: 1 API valid\n')
  })
})
