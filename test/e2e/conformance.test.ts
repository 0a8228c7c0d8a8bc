import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type RunningGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { startBackends, type Backends } from './conformance/backends'
import { harnessAwsCredentials, harnessBackendOf } from './conformance/lambda-functions'
import { corpusRuns } from './conformance/corpus'
import { matchCase, type Expected } from './conformance/match'
import { documentedWaivers, waiveRuntimeLimits } from './conformance/waivers'
import { defaultHarnessValues, fillTokens, toOpenApi, type CaseApi, type CaseMethod, type HarnessValues } from './conformance/to-openapi'

/**
 * End-to-end conformance: every case of test/conformance/http-cases.json (recorded against
 * AWS API Gateway) that the gateway can run today, through the real `gateway serve` on workerd,
 * against real backends on 127.0.0.1. One API per case, told apart by `Host: <apiId>.execute-api.localhost`.
 */

interface HttpCase {
  id: string
  api: CaseApi
  request: { method: string; path: string; headers?: Record<string, string>; body?: string | null }
  expected: Expected
  tags?: string[]
}

const methods = (c: HttpCase): CaseMethod[] => c.api.resources.flatMap((r) => r.methods)
const hasTag = (c: HttpCase, tag: string) => (c.tags ?? []).includes(tag)
const echoesEvent = (c: HttpCase) => methods(c).some((m) => m.integration?.backend === 'lambda-proxy-echo-event')
const usesIntegration = (type: string) => (c: HttpCase) => methods(c).some((m) => m.integration?.type.toUpperCase() === type)

/**
 * What the gateway cannot do yet. A case that needs any of these is skipped with the reason.
 * When a feature lands, delete its line and its cases run.
 */
const notBuiltYet: { needs: string; issue: string; appliesTo: (c: HttpCase) => boolean }[] = []

/** Why a case cannot run yet, or undefined when it can. */
function whyNotRunnable(c: HttpCase, backendIds: readonly string[]): string | undefined {
  const reasons = notBuiltYet.filter((f) => f.appliesTo(c)).map((f) => `needs ${f.needs} (issue: ${f.issue})`)
  const unknown = methods(c).map((m) => m.integration?.backend).filter((b): b is string => !!b && !backendIds.includes(harnessBackendOf(b)))
  if (unknown.length > 0) reasons.push(`needs backend ${[...new Set(unknown)].join(', ')} (not in the harness)`)
  return reasons.length > 0 ? reasons.join('; ') : undefined
}

const adminToken = 'conformance-admin-token'
const awsEnvironment = { AWS_ACCESS_KEY_ID: harnessAwsCredentials.accessKeyId, AWS_SECRET_ACCESS_KEY: harnessAwsCredentials.secretAccessKey }

/**
 * Control-plane calls the recorded tests made between setting up the API and sending the
 * request (the case data names them only in `notes`), replayed through the admin API.
 */
const recordedSteps: Record<string, (gatewayUrl: string, apiId: string) => Promise<void>> = {
  // "Same key after UpdateApiKey enabled=false."
  'apikey-disabled': async (url, apiId) => {
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${url}/_gateway/admin${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' } })
    const { items } = (await (await admin('/apikeys')).json()) as { items: { id: string; name: string }[] }
    const key = items.find((k) => k.name === `${apiId}-k1`)
    if (!key) throw new Error(`key ${apiId}-k1 not found through the admin API`)
    const res = await admin(`/apikeys/${key.id}`, { method: 'PATCH', body: JSON.stringify({ enabled: false }) })
    if (!res.ok) throw new Error(`UpdateApiKey failed: ${res.status} ${await res.text()}`)
  },
}

/**
 * The recordings were made with python-requests, which sends these unless the test set them
 * (some expectations show them, e.g. the backend seeing `Accept-Encoding: gzip, deflate`).
 */
const recordingClientHeaders: Record<string, string> = {
  'User-Agent': 'python-requests/2.32.3',
  'Accept-Encoding': 'gzip, deflate',
  Accept: '*/*',
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const corpusFile = fileURLToPath(new URL('../conformance/http-cases.json', import.meta.url))
const backendIds = ['http-echo-httpbin', 'http-echo-lambda-url', 'http-status-echo', 'http-status-echo-json', 'aws'] as const

describe('http conformance', () => {
  if (!corpusRuns('http conformance', corpusFile, existsSync(corpusFile))) return
  const cases = (JSON.parse(readFileSync(corpusFile, 'utf8')) as HttpCase[]).map((c, i) => ({
    c,
    apiId: `c${String(i + 1).padStart(3, '0')}`,
    skip: whyNotRunnable(c, backendIds),
    // What workerd cannot meet depends on the case alone, so it is known before any request.
    ...waiveRuntimeLimits(c.expected, echoesEvent(c)),
  }))
  const runnable = cases.filter((x) => x.skip === undefined)
  const waivedByCase: Record<string, string[]> = Object.fromEntries(runnable.filter((x) => x.waived.length > 0).map((x) => [x.c.id, x.waived]))
  const results = { passed: [] as string[], passedWithWaivers: [] as string[], failed: [] as string[] }
  let backends: Backends
  let gateway: RunningGateway | undefined
  let dir: string
  let startupError: string | undefined
  const definitionErrors = new Map<string, string[]>()

  // Keys and plans are gateway-wide, so each case's get their own value and names.
  const harnessValues = (apiId: string): HarnessValues => ({
    apiId,
    backends: backends.urls,
    ...defaultHarnessValues,
    keyValue: `${apiId}-${defaultHarnessValues.keyValue}`,
  })

  beforeAll(async () => {
    backends = await startBackends()
    dir = await mkdtemp(join(tmpdir(), 'conformance-routes-'))
    for (const { c, apiId } of runnable) {
      await writeFile(join(dir, `${apiId}.json`), JSON.stringify(toOpenApi(c.api, harnessValues(apiId), c.id), null, 2))
    }
    // One bad definition would stop the whole gateway: find them first and leave them out.
    const rejected = await validate(dir)
    if (rejected.unattributed.length > 0) {
      startupError = `gateway validate failed:\n${rejected.unattributed.join('\n')}`
      return
    }
    for (const [apiId, errors] of rejected.byApiId) {
      definitionErrors.set(apiId, errors)
      await rm(join(dir, `${apiId}.json`))
    }
    try {
      gateway = await startGateway(dir, { timeoutMs: 110_000, env: { GATEWAY_ADMIN_TOKEN: adminToken, ...awsEnvironment } })
    } catch (e) {
      startupError = (e as Error).message
    }
  }, 180_000)

  afterAll(async () => {
    await gateway?.stop()
    await backends?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
    const skipped = cases.filter((x) => x.skip !== undefined).map((x) => x.c)
    console.log(summary(results, runnable.map((x) => x.c), skipped))
    for (const id of results.passedWithWaivers) console.log(`  waived in ${id}: ${waivedByCase[id].join(', ')}`)
  })

  it('waives only the documented expectations (conformance/waivers.ts)', () => {
    expect(waivedByCase).toEqual(documentedWaivers)
  })

  for (const { c, apiId, skip, expected, waived } of cases) {
    if (skip !== undefined) {
      it.skip(`${c.id} — ${skip}`, () => {})
      continue
    }
    it(waived.length > 0 ? `${c.id} (with waivers)` : c.id, async () => {
      try {
        if (startupError) throw new Error(startupError)
        const rejectedBy = definitionErrors.get(apiId)
        if (rejectedBy) throw new Error(`the gateway rejected this case's definition (${apiId}.json):\n${rejectedBy.join('\n')}`)
        backends.reset()
        await recordedSteps[c.id]?.(gateway!.url, apiId)
        const request = requestFor(c, harnessValues(apiId))
        const res = await rawRequest(gateway!.url, request)
        const problems = matchCase(expected, res, backends.received(apiId), { apiId })
        if (problems.length > 0) {
          const shown = res.text.length > 600 ? `${res.text.slice(0, 600)}…` : res.text
          throw new Error(
            `${c.id} (api ${apiId}): ${request.method} ${request.path}\n- ${problems.join('\n- ')}\n` +
              `response: ${res.status} ${JSON.stringify(pairsOf(res.rawHeaders))}\n${shown}`,
          )
        }
        ;(waived.length > 0 ? results.passedWithWaivers : results.passed).push(c.id)
      } catch (e) {
        results.failed.push(c.id)
        throw e
      }
    })
  }
})

function requestFor(c: HttpCase, values: HarnessValues) {
  const given = c.request.headers ?? {}
  const sets = (name: string) => Object.keys(given).some((k) => k.toLowerCase() === name.toLowerCase())
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(recordingClientHeaders)) if (!sets(name)) headers[name] = value
  for (const [name, value] of Object.entries(given)) headers[name] = fillTokens(value, values)
  headers.Host = `${values.apiId}.execute-api.localhost`
  const body = c.request.body ?? null
  // python-requests frames a body with Content-Length (and sends 0 for a body-less non-GET/HEAD), never chunked.
  if (!sets('Content-Length') && !sets('Transfer-Encoding')) {
    if (body !== null) headers['Content-Length'] = String(Buffer.byteLength(body))
    else if (!['GET', 'HEAD'].includes(c.request.method.toUpperCase())) headers['Content-Length'] = '0'
  }
  return { method: c.request.method, path: fillTokens(c.request.path, values), headers, body }
}

/** Runs `gateway validate DIR`; sorts its `file: json.path: reason` lines by the case file they name. */
function validate(dir: string): Promise<{ byApiId: Map<string, string[]>; unattributed: string[] }> {
  const bin = join(root, 'bin/gateway.js')
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'validate', dir], { cwd: root, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const byApiId = new Map<string, string[]>()
      const unattributed: string[] = []
      if (error) {
        for (const line of stderr.split('\n').filter(Boolean)) {
          const m = /(?:^|[\\/])(c\d+)\.json: (.*)$/.exec(line)
          if (m) byApiId.set(m[1], [...(byApiId.get(m[1]) ?? []), m[2]])
          else if (!/^\d+ errors? in /.test(line)) unattributed.push(line)
        }
        if (byApiId.size === 0 && unattributed.length === 0) unattributed.push(`exit ${error.code}: ${stdout}${stderr}`)
      }
      resolve({ byApiId, unattributed })
    })
  })
}

/** `http conformance: 119 passed, 6 passed with waivers (a, b, …), 0 failed, 0 skipped; covers mock, …`, plus what failed. */
function summary(results: { passed: string[]; passedWithWaivers: string[]; failed: string[] }, runnable: HttpCase[], skipped: HttpCase[]): string {
  const covered = [...new Set(runnable.flatMap((c) => methods(c).map((m) => m.integration.type.toLowerCase())))]
  if (runnable.some((c) => hasTag(c, 'routing'))) covered.push('routing')
  if (runnable.some((c) => hasTag(c, 'gateway-response'))) covered.push('gateway responses')
  const byFeature = notBuiltYet
    .map((f) => [f.needs, skipped.filter(f.appliesTo).length] as const)
    .filter(([, n]) => n > 0)
    .map(([needs, n]) => `${needs} ${n}`)
  const { passed, passedWithWaivers, failed } = results
  const notRun = runnable.length - passed.length - passedWithWaivers.length - failed.length
  return (
    `http conformance: ${passed.length} passed, ${passedWithWaivers.length} passed with waivers` +
    (passedWithWaivers.length > 0 ? ` (${passedWithWaivers.join(', ')})` : '') +
    `, ${failed.length} failed` +
    (failed.length > 0 ? ` (${failed.join(', ')})` : '') +
    (notRun > 0 ? `, ${notRun} not run (filtered)` : '') +
    `, ${skipped.length} skipped` +
    (skipped.length > 0 ? ` (${byFeature.join(', ') || 'backends not in the harness'})` : '') +
    `; covers ${covered.join(', ')}`
  )
}

function pairsOf(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]])
  return out
}
