import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { chromiumPath, launchChromium } from './helpers/browser'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { connected, type Client } from './helpers/websocket'

/**
 * The dashboard as a person uses it: headless Chromium opens `/_gateway/dashboard` on
 * `gateway serve` after scripted traffic, is given the admin token, and shows exactly the counts
 * the traffic made, as text and as uPlot charts. Screenshots go to test-artifacts/.
 */
const chromium = chromiumPath()
if (!chromium) console.warn('SKIPPED test/e2e/dashboard-browser.test.ts: no Chromium installed (apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH)')

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
const ADMIN = 'e2e-dashboard-admin'
const KEY = 'dashboard-partner-key-0123456789'

const proxy = (port: number, path: string) => `{ type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}${path}' }`

/** Detailed metrics for every method; /cached is cached; /keyed needs an API key on a plan with a quota. */
const api = (port: number) => `openapi: 3.0.1
info: { title: dash, version: '1' }
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  apiId: dash
  stages:
    prod:
      cacheClusterEnabled: true
      methodSettings:
        '*/*': { metricsEnabled: true }
        '/cached/GET': { cachingEnabled: true }
  usagePlans:
    - { name: daily10, apiStages: [{ stage: prod }], quota: { limit: 10, period: DAY } }
  apiKeys:
    - { name: partner, value: ${KEY}, usagePlans: [daily10] }
paths:
  /ok: { get: { x-amazon-apigateway-integration: ${proxy(port, '/ok')} } }
  /cached: { get: { x-amazon-apigateway-integration: ${proxy(port, '/cached')} } }
  /broken: { get: { x-amazon-apigateway-integration: ${proxy(port, '/broken')} } }
  /keyed: { get: { security: [{ api_key: [] }], x-amazon-apigateway-integration: ${proxy(port, '/ok')} } }
`

/** A WebSocket API: the dashboard counts its open connections. */
const live = `x-gateway:
  apiId: live
  basePath: /live
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.body.action
  stages:
    chat: {}
  routes:
    $default: { integration: { integrationType: MOCK, requestTemplates: { $default: '{"statusCode": 200}' } } }
`

/** The scripted traffic and the status each request must get. */
const script: [path: string, status: number, headers?: Record<string, string>][] = [
  ['/prod/ok', 200],
  ['/prod/ok', 200],
  ['/prod/ok', 200],
  ['/prod/keyed', 200, { 'x-api-key': KEY }],
  ['/prod/keyed', 200, { 'x-api-key': KEY }],
  ['/prod/keyed', 403], // no API key: the gateway's 4xx
  ['/prod/keyed', 403],
  ['/prod/nowhere', 403], // no route: counted at the stage only
  ['/prod/broken', 502], // the backend's 5xx
  ['/prod/broken', 502],
  ['/prod/cached', 200], // miss
  ['/prod/cached', 200], // hit
  ['/prod/cached', 200], // hit
]

/** The summary table as text: row name → column → figure. */
const summaryOf = (page: Page) =>
  page.$$eval('#summary tbody tr', (rows) =>
    Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.row, Object.fromEntries(Array.from(r.querySelectorAll('td[data-metric]')).map((c) => [(c as HTMLElement).dataset.metric, c.textContent]))])),
  )

describe.skipIf(!chromium)('the dashboard in headless Chromium', () => {
  let browser: Browser
  let fixture: Fixture
  const sockets: Client[] = []

  beforeAll(async () => {
    const started = await Promise.allSettled([
      serveWithBackend(
        (port) => ({ 'dash.yaml': api(port), 'live.yaml': live }),
        {
          '/broken': (_req, res) => {
            res.statusCode = 502
            res.end('{"message": "backend down"}')
          },
        },
        { GATEWAY_ADMIN_TOKEN: ADMIN },
      ).then((f) => (fixture = f)),
      launchChromium(chromium!).then((b) => (browser = b)),
    ])
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed) throw failed.reason
    for (const [path, status, headers] of script) {
      const res = await fetch(`${fixture.gateway.url}${path}`, { headers })
      await res.arrayBuffer()
      expect(res.status, path).toBe(status)
    }
    for (let i = 0; i < 2; i++) sockets.push(await connected(`${fixture.gateway.url.replace('http', 'ws')}/live/chat`))
    await mkdir(artifacts, { recursive: true })
  }, 120_000)

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate()
    await browser?.close()
    await fixture?.stop()
  })

  const open = async (token: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
    page.setDefaultTimeout(15_000)
    const response = await page.goto(`${fixture.gateway.url}/_gateway/dashboard`)
    expect(response?.status()).toBe(200)
    await page.fill('#token', token)
    await page.click('#token-form button[type=submit]')
    return page
  }

  it('shows exactly the scripted counts per API, stage and method, charts them, updates live and lists usage and routes', async () => {
    const page = await open(ADMIN)
    await page.waitForSelector('#status[data-updates]')
    expect(await page.isVisible('#error')).toBe(false)

    const summary = await summaryOf(page)
    expect(summary['dash · prod']).toMatchObject({ Count: '13', '4XXError': '3', '5XXError': '2', CacheHitCount: '2', CacheMissCount: '1' })
    expect(summary['dash']).toMatchObject({ Count: '13', '4XXError': '3', '5XXError': '2' })
    expect(summary['dash · prod · GET /ok']).toMatchObject({ Count: '3', '4XXError': '0', '5XXError': '0' })
    expect(summary['dash · prod · GET /keyed']).toMatchObject({ Count: '4', '4XXError': '2', '5XXError': '0' })
    expect(summary['dash · prod · GET /broken']).toMatchObject({ Count: '2', '4XXError': '0', '5XXError': '2' })
    expect(summary['dash · prod · GET /cached']).toMatchObject({ Count: '3', CacheHitCount: '2', CacheMissCount: '1' })
    expect(Object.keys(summary).filter((name) => name.startsWith('dash')).sort()).toEqual(['dash', 'dash · prod', 'dash · prod · GET /broken', 'dash · prod · GET /cached', 'dash · prod · GET /keyed', 'dash · prod · GET /ok'])
    // Latency percentiles are whole milliseconds, and p99 ≥ p50.
    const stage = summary['dash · prod']
    expect(Number(stage['Latency p99'])).toBeGreaterThanOrEqual(Number(stage['Latency p50']))
    expect(stage['IntegrationLatency p50']).toMatch(/^\d+$/)

    // Charts of the stage row: requests, latency, cache, each a uPlot canvas with a size.
    await page.click('#summary tr[data-row="dash · prod"]')
    const charts = await page.$$eval('#charts .chart', (boxes) =>
      boxes.map((b) => {
        const canvas = b.querySelector('.uplot canvas') as HTMLCanvasElement | null
        return { title: (b as HTMLElement).dataset.chart, width: canvas?.width ?? 0, height: canvas?.height ?? 0, legend: Array.from(b.querySelectorAll('.u-legend .u-label')).map((l) => l.textContent) }
      }),
    )
    expect(charts.map((c) => c.title)).toEqual(['Requests and errors (per minute)', 'Latency (ms)', 'Cache (per minute)'])
    for (const c of charts) expect(c.width * c.height).toBeGreaterThan(0)
    expect(charts[0].legend).toEqual(['Time', 'Count', '4XXError', '5XXError'])
    expect(charts[2].legend).toEqual(['Time', 'CacheHitCount', 'CacheMissCount'])

    // Usage per key: the two keyed requests, read from the key's own object.
    const usage = await page.$eval('#usage tr[data-key]', (r) => Array.from(r.querySelectorAll('td')).map((c) => c.textContent))
    expect(usage.slice(0, 7)).toEqual(['partner', expect.any(String), 'enabled', 'daily10', '2', '8', '10'])

    // Open WebSocket connections, counted by the connection shards.
    expect(await page.$eval('#connections tr[data-stage="live/chat"]', (r) => Array.from(r.querySelectorAll('td')).map((c) => c.textContent))).toEqual(['live', 'live', 'chat', '2'])
    sockets.pop()!.ws.terminate()
    await page.waitForFunction(() => document.querySelector('#connections tr[data-stage="live/chat"] td:last-child')?.textContent === '1')

    // The compiled definitions: the API, its stage and routes.
    const listed = await page.$eval('[data-api="dash"]', (s) => s.textContent)
    expect(listed).toContain('stages: prod')
    for (const route of ['GET /ok', 'GET /cached', 'GET /broken', 'GET /keyed']) expect(listed).toContain(route)

    // Live: one more request shows up at the next poll without reloading.
    const seen = Number(await page.getAttribute('#status', 'data-updates'))
    await (await fetch(`${fixture.gateway.url}/prod/ok`)).arrayBuffer()
    await page.waitForFunction((n) => Number(document.getElementById('status')!.dataset.updates) > n, seen)
    expect((await summaryOf(page))['dash · prod · GET /ok']).toMatchObject({ Count: '4' })

    const shot = join(artifacts, 'dashboard.png')
    await page.screenshot({ path: shot, fullPage: true })
    console.log(`dashboard screenshot: ${shot}`)
  })

  it('a wrong token shows why and no figures; the token is asked for again', async () => {
    const page = await open('not-the-admin-token')
    await page.waitForSelector('#error:not([hidden])')
    expect(await page.textContent('#error')).toBe('Wrong admin token: the gateway answered 403 Forbidden.')
    expect(await page.isVisible('#content')).toBe(false)
    expect(await page.isVisible('#token-form')).toBe(true)
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0)
    const shot = join(artifacts, 'dashboard-wrong-token.png')
    await page.screenshot({ path: shot, fullPage: true })
    console.log(`dashboard screenshot: ${shot}`)
  })
})
