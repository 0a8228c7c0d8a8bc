import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'

/**
 * The scripted flow of issue 19 with the stock `aws` CLI: Debian's package (`apt-get install
 * awscli`, /usr/bin/aws) when installed, else any `aws` on PATH; skipped, saying so, without one.
 */

const run = promisify(execFile)
const signer = { accessKeyId: 'AKIDE2ECONTROLCLI001', secretAccessKey: 'e2e/control-plane/cli/secret/0123' }

async function findCli(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/aws', 'aws']) {
    if (candidate.startsWith('/') && !existsSync(candidate)) continue
    try {
      await run(candidate, ['--version'], { timeout: 20_000 })
      return candidate
    } catch {
      // not installed, or not runnable: try the next
    }
  }
  return undefined
}

const cli = await findCli()
if (!cli) console.warn('aws-control-plane-cli: skipped — no `aws` CLI (install Debian’s with `apt-get install awscli`)')

const api = (port: number) => `openapi: 3.0.1
info: { title: scripted, version: '1' }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
x-gateway:
  apiId: cli
  stages:
    live:
      cacheClusterEnabled: true
      cacheStatusHeader: true
      methodSettings:
        '/data/GET': { cachingEnabled: true, cacheTtlInSeconds: 300 }
  usagePlans:
    - name: daily10
      apiStages: [{ stage: live }]
      quota: { limit: 10, period: DAY }
paths:
  /data:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/data' }
`

let fixture: Fixture

beforeAll(async () => {
  if (!cli) return
  fixture = await serveWithBackend((port) => ({ 'scripted.yaml': api(port) }), {}, { GATEWAY_IAM_CREDENTIALS: `${signer.accessKeyId}:${signer.secretAccessKey}` })
}, 90_000)

afterAll(() => fixture?.stop())

/** One `aws apigateway …` call with only the test's credentials and no user configuration; its JSON output. */
async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run(cli!, ['apigateway', ...args, '--endpoint-url', `${fixture.gateway.url}/_gateway/aws`, '--output', 'json'], {
    timeout: 30_000,
    env: {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      AWS_ACCESS_KEY_ID: signer.accessKeyId,
      AWS_SECRET_ACCESS_KEY: signer.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    },
  })
  return stdout.trim() ? JSON.parse(stdout) : undefined
}

describe.skipIf(!cli)('the aws CLI against gateway serve', () => {
  it('create-api-key → create-usage-plan-key → get-usage → update-api-key disables → flush-stage-cache', async () => {
    const call = (key: string) => rawRequest(fixture.gateway.url, { path: '/live/data', headers: { 'x-api-key': key } })
    const key = await aws('create-api-key', '--name', 'cli-acme', '--enabled')
    expect(key).toMatchObject({ name: 'cli-acme', enabled: true })
    expect(key.value).toMatch(/^[A-Za-z0-9]{40}$/)
    const plans = await aws('get-usage-plans')
    const plan = plans.items.find((p: { name: string }) => p.name === 'daily10')
    expect(plan.quota).toEqual({ limit: 10, offset: 0, period: 'DAY' })
    await aws('create-usage-plan-key', '--usage-plan-id', plan.id, '--key-id', key.id, '--key-type', 'API_KEY')

    expect((await call(key.value)).headers['x-cache']).toBe('Miss')
    expect((await call(key.value)).headers['x-cache']).toBe('Hit')
    const today = new Date().toISOString().slice(0, 10)
    const usage = await aws('get-usage', '--usage-plan-id', plan.id, '--start-date', today, '--end-date', today)
    expect(usage.items).toEqual({ [key.id]: [[2, 8]] })

    await aws('update-api-key', '--api-key', key.id, '--patch-operations', 'op=replace,path=/enabled,value=false')
    expect((await call(key.value)).status).toBe(403)
    await aws('update-api-key', '--api-key', key.id, '--patch-operations', 'op=replace,path=/enabled,value=true')
    await aws('flush-stage-cache', '--rest-api-id', 'cli', '--stage-name', 'live')
    expect((await call(key.value)).headers['x-cache']).toBe('Miss')

    const listed = await aws('get-api-keys', '--name-query', 'cli-', '--include-values')
    expect(listed.items.map((k: { id: string; value: string }) => [k.id, k.value])).toEqual([[key.id, key.value]])
    await aws('delete-api-key', '--api-key', key.id)
    const gone = await aws('get-api-key', '--api-key', key.id).then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    )
    expect(gone).toContain('NotFoundException')
    // The CLI takes seconds to start (Python); a dozen calls on a loaded machine need the room.
  }, 240_000)
})
