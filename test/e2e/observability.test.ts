import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMetricsFromIterator, type PromData, type PromHistogramData, type PromMetric } from 'prom2javascript'
import { serveWithBackend, type Fixture } from './helpers/fixture'

const ADMIN = 'e2e-observability-admin'

const proxy = (port: number, path: string, extra = '') => `
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: http://127.0.0.1:${port}${path}${extra}`

/** Detailed metrics for every method but /ok; /cached is cached; /slow times out after 300 ms. */
const api = (port: number) => `openapi: 3.0.1
info: { title: observed, version: '1' }
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  apiId: observed
  stages:
    prod:
      cacheClusterEnabled: true
      accessLogSettings:
        format: 'ACCESS $context.requestId $context.status $context.responseLatency $context.integrationLatency $context.error.responseType $context.resourcePath'
      methodSettings:
        '*/*': { metricsEnabled: true }
        '/ok/GET': { metricsEnabled: false }
        '/cached/GET': { cachingEnabled: true }
paths:
  /ok:${proxy(port, '/ok')}
  /cached:${proxy(port, '/cached')}
  /broken:${proxy(port, '/broken')}
  /slow:${proxy(port, '/slow', '\n        timeoutInMillis: 300')}
  /keyed:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/ok' }
`

/** A second API for trace headers, so its requests never count in `observed`. */
const traced = (port: number) => `openapi: 3.0.1
info: { title: traced, version: '1' }
x-gateway: { apiId: traced, basePath: /traced, stages: { prod: {} } }
paths:
  /proxied:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/echo' }
  /mapped:
    get:
      x-amazon-apigateway-integration: { type: http, httpMethod: GET, uri: 'http://127.0.0.1:${port}/echo', responses: { default: { statusCode: '200' } } }
`

/** An HTTP API: its metrics carry AWS's lower-case names and the ApiId, Stage and Route dimensions. */
const httpApi = (port: number) => `openapi: 3.0.1
info: { title: items, version: '1' }
x-gateway:
  apiId: items1
  protocolType: HTTP
  basePath: /items-api
  stages: { live: { methodSettings: { '/items/GET': { metricsEnabled: true } } } }
paths:
  /items:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/ok', payloadFormatVersion: '1.0' }
`

/** The scripted traffic, and the status each request must get. */
const script: [path: string, status: number][] = [
  ['/prod/ok', 200],
  ['/prod/ok', 200],
  ['/prod/ok', 200],
  ['/prod/cached', 200], // miss
  ['/prod/cached', 200], // hit
  ['/prod/cached', 200], // hit
  ['/prod/cached', 200], // hit
  ['/prod/broken', 502], // the backend's 5xx
  ['/prod/broken', 502],
  ['/prod/slow', 504], // integration timeout
  ['/prod/keyed', 403], // no API key: the gateway's 4xx
  ['/prod/keyed', 403],
  ['/prod/nowhere', 403], // no route
]

let fixture: Fixture
const statuses: number[] = []

beforeAll(async () => {
  fixture = await serveWithBackend(
    (port) => ({ 'observed.yaml': api(port), 'traced.yaml': traced(port), 'items.yaml': httpApi(port) }),
    {
      '/broken': (_req, res) => {
        res.statusCode = 502
        res.end('{"message": "backend down"}')
      },
      '/slow': (_req, res) => {
        setTimeout(() => res.end('late'), 2_000).unref()
      },
    },
    { GATEWAY_ADMIN_TOKEN: ADMIN },
  )
  for (const [path] of script) {
    const res = await fetch(`${fixture.gateway.url}${path}`)
    await res.arrayBuffer()
    statuses.push(res.status)
  }
})

afterAll(async () => {
  await fixture?.stop()
})

const admin = (path: string) => fetch(`${fixture.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })

interface Metric {
  metricName: string
  dimensions: Record<string, string>
  total: { Sum: number; SampleCount: number; Minimum: number; p50?: number; p99?: number }
}

describe('metrics after scripted traffic through gateway serve', () => {
  it('answered the script as planned', () => {
    expect(statuses).toEqual(script.map(([, status]) => status))
  })

  it('/_gateway/metrics counts exactly that traffic per stage and detailed method', async () => {
    const res = await admin('/_gateway/metrics')
    expect(res.status).toBe(200)
    const metrics = ((await res.json()) as { metrics: Metric[] }).metrics
    const total = (name: string, dimensions: Record<string, string>) =>
      metrics.find((m) => m.metricName === name && JSON.stringify(m.dimensions) === JSON.stringify({ ApiName: 'observed', ...dimensions }))?.total
    const stage = { Stage: 'prod' }
    expect(total('Count', stage)).toMatchObject({ Sum: 13, SampleCount: 13 })
    expect(total('Count', {})).toMatchObject({ Sum: 13 })
    expect(total('4XXError', stage)).toMatchObject({ Sum: 3, SampleCount: 13 })
    expect(total('5XXError', stage)).toMatchObject({ Sum: 3, SampleCount: 13 })
    expect(total('CacheHitCount', stage)?.Sum).toBe(3)
    expect(total('CacheMissCount', stage)?.Sum).toBe(1)
    expect(total('Latency', stage)?.SampleCount).toBe(13)
    expect(total('IntegrationLatency', stage)?.SampleCount).toBe(7)

    const method = (resource: string) => ({ Method: 'GET', Resource: resource, Stage: 'prod' })
    expect(total('Count', method('/cached'))?.Sum).toBe(4)
    expect(total('CacheHitCount', method('/cached'))?.Sum).toBe(3)
    expect(total('5XXError', method('/broken'))?.Sum).toBe(2)
    expect(total('5XXError', method('/slow'))?.Sum).toBe(1)
    expect(total('IntegrationLatency', method('/slow'))?.Minimum).toBeGreaterThanOrEqual(300)
    expect(total('4XXError', method('/keyed'))?.Sum).toBe(2)
    expect(total('Count', method('/ok'))).toBeUndefined()
  })

  it('Prometheus text, read by a Prometheus text parser, reports the same counts under the documented names', async () => {
    const res = await admin('/_gateway/metrics/prometheus')
    expect(res.status).toBe(200)
    const families = await getMetricsFromIterator((await res.text()).split('\n')[Symbol.iterator]())
    const family = (name: string): PromMetric => {
      expect(families[name], name).toBeDefined()
      return families[name]
    }
    const same = (labels: Record<string, string>) => (d: { labels: Record<string, string> }) => JSON.stringify(d.labels) === JSON.stringify(labels)
    const counter = (name: string, labels: Record<string, string>) => (family(name).data as PromData[]).find(same(labels))?.value
    const histogram = (name: string, labels: Record<string, string>) => (family(name).data as PromHistogramData[]).find(same(labels))
    const stage = { api_name: 'observed', stage: 'prod' }
    expect(family('apigateway_count_total').type).toBe('counter')
    expect(counter('apigateway_count_total', stage)).toBe(13)
    expect(counter('apigateway_4xx_error_total', stage)).toBe(3)
    expect(counter('apigateway_5xx_error_total', stage)).toBe(3)
    expect(counter('apigateway_cache_hit_count_total', stage)).toBe(3)
    expect(counter('apigateway_cache_miss_count_total', stage)).toBe(1)
    expect(counter('apigateway_count_total', { ...stage, method: 'GET', resource: '/cached' })).toBe(4)
    expect(counter('apigateway_5xx_error_total', { ...stage, method: 'GET', resource: '/slow' })).toBe(1)
    expect(counter('apigateway_count_total', { ...stage, method: 'GET', resource: '/ok' })).toBeUndefined()

    expect(family('apigateway_latency_milliseconds').type).toBe('histogram')
    const latency = histogram('apigateway_latency_milliseconds', stage)!
    expect(latency.count).toBe(13)
    expect(latency.buckets['+Inf']).toBe(13)
    const integration = histogram('apigateway_integration_latency_milliseconds', stage)!
    expect(integration.count).toBe(7)
    // The timed-out call took at least its 300 ms: it is above the 250 ms bucket.
    expect(integration.buckets['250']).toBeLessThanOrEqual(6)
    expect(histogram('apigateway_integration_latency_milliseconds', { ...stage, method: 'GET', resource: '/slow' })?.buckets['250']).toBe(0)
    expect(latency.sum).toBeGreaterThanOrEqual(integration.sum!)
  })

  it('writes one access-log line per request to stdout, with Latency ≥ IntegrationLatency for each', async () => {
    // Lines are written after the response; give the last one a moment to reach the output.
    const deadline = Date.now() + 5_000
    let lines: string[] = []
    while (Date.now() < deadline) {
      lines = fixture.gateway.output().split('\n').filter((l) => l.startsWith('ACCESS '))
      if (lines.length >= script.length) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(lines).toHaveLength(script.length)
    const fields = lines.map((l) => l.split(' '))
    expect(fields.map((f) => Number(f[2])).sort()).toEqual(script.map(([, s]) => s).sort())
    for (const [, , , responseLatency, integrationLatency] of fields) {
      if (integrationLatency !== '-') expect(Number(responseLatency)).toBeGreaterThanOrEqual(Number(integrationLatency))
    }
    expect(fields.filter((f) => f[4] !== '-')).toHaveLength(7)
    expect(fields.filter((f) => f[5] === 'INTEGRATION_TIMEOUT')).toHaveLength(1)
    expect(fields.filter((f) => f[5] === 'MISSING_AUTHENTICATION_TOKEN' || f[5] === 'API_KEY_REQUIRED' || f[5] === 'INVALID_API_KEY' || f[5] === 'ACCESS_DENIED')).toHaveLength(3)
  })

  it('refuses the metrics without the admin token', async () => {
    expect((await fetch(`${fixture.gateway.url}/_gateway/metrics/prometheus`)).status).toBe(401)
    expect((await fetch(`${fixture.gateway.url}/_gateway/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403)
  })
})

describe('trace headers reach HTTP integrations', () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
  const echoed = async (path: string, headers: Record<string, string>) => {
    const res = await fetch(`${fixture.gateway.url}/traced/prod${path}`, { headers })
    expect(res.status).toBe(200)
    return ((await res.json()) as { headers: Record<string, string> }).headers
  }

  it.each(['/proxied', '/mapped'])('%s: the client\'s X-Amzn-Trace-Id and traceparent are passed on', async (path) => {
    const root = 'Root=1-5f84c7a0-0123456789abcdef01234567'
    const got = await echoed(path, { 'x-amzn-trace-id': root, traceparent, tracestate: 'vendor=1' })
    expect(got['x-amzn-trace-id']).toBe(root)
    expect(got.traceparent).toBe(traceparent)
    expect(got.tracestate).toBe('vendor=1')
  })

  it.each(['/proxied', '/mapped'])('%s: without one, the gateway starts an X-Ray trace and sends no traceparent', async (path) => {
    const got = await echoed(path, {})
    expect(got['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/)
    expect(got.traceparent).toBeUndefined()
  })
})

describe('HTTP API metrics', () => {
  it('use Count, 4xx, 5xx, Latency, IntegrationLatency and DataProcessed with ApiId, Stage and Route', async () => {
    for (const path of ['/items', '/items', '/nothing']) await (await fetch(`${fixture.gateway.url}/items-api/live${path}`)).arrayBuffer()
    const metrics = ((await (await admin('/_gateway/metrics')).json()) as { metrics: Metric[] }).metrics
    const total = (name: string, dimensions: Record<string, string>) => metrics.find((m) => m.metricName === name && JSON.stringify(m.dimensions) === JSON.stringify(dimensions))?.total
    const stage = { ApiId: 'items1', Stage: 'live' }
    expect(total('Count', stage)?.Sum).toBe(3)
    expect(total('4xx', stage)?.Sum).toBe(1) // no route: HTTP APIs answer 404
    expect(total('5xx', stage)?.Sum).toBe(0)
    expect(total('4XXError', stage)).toBeUndefined()
    expect(total('IntegrationLatency', stage)?.SampleCount).toBe(2)
    expect(total('DataProcessed', stage)?.Sum).toBeGreaterThan(0)
    expect(total('Count', { ...stage, Route: 'GET /items' })?.Sum).toBe(2)

    const families = await getMetricsFromIterator((await (await admin('/_gateway/metrics/prometheus')).text()).split('\n')[Symbol.iterator]())
    const value = (name: string, labels: Record<string, string>) => (families[name]?.data as PromData[] | undefined)?.find((d) => JSON.stringify(d.labels) === JSON.stringify(labels))?.value
    expect(value('apigateway_count_total', { api_id: 'items1', stage: 'live' })).toBe(3)
    expect(value('apigateway_4xx_total', { api_id: 'items1', stage: 'live' })).toBe(1)
    expect(value('apigateway_count_total', { api_id: 'items1', stage: 'live', route: 'GET /items' })).toBe(2)
  })
})
