import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createGateway } from '../../src/app'
import type { Env } from '../../src/env'

const ADMIN = 'observe-admin-token'

const mock = (status: number) => `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": ${status}}' }
        responses:
          default: { statusCode: '${status}', responseTemplates: { application/json: '{"status": ${status}}' } }`

/** One API: `/ok` (detailed metrics, cached), `/fail` (the integration answers 500), `/keyed` (needs an API key). */
const definition = (apiId: string, title = apiId) => `openapi: 3.0.1
info: { title: '${title}', version: '1' }
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  apiId: ${apiId}
  stages:
    prod:
      cacheClusterEnabled: true
      methodSettings:
        '/ok/GET': { metricsEnabled: true, cachingEnabled: true }
    beta: {}
paths:
  /ok:
    get:${mock(200)}
  /fail:
    get:${mock(500)}
  /keyed:
    get:
      security: [{ api_key: [] }]${mock(200)}
`

function gateway(apiId: string, extraEnv: Partial<Env> = {}, title?: string) {
  const app = createGateway(compileOrThrow([{ file: `routes/${apiId}.yaml`, text: definition(apiId, title) }]))
  const environment = { ...(env as Env), GATEWAY_ADMIN_TOKEN: ADMIN, ...extraEnv } as Env
  return async (path: string, headers: Record<string, string> = {}) => {
    const ctx = createExecutionContext()
    const res = await app.fetch(new Request(`http://gw${path}`, { headers }), environment, ctx)
    const text = await res.text()
    await waitOnExecutionContext(ctx)
    return { status: res.status, text, headers: res.headers }
  }
}

interface Metric {
  metricName: string
  dimensions: Record<string, string>
  total: { Sum: number; SampleCount: number; p50?: number; p99?: number }
  datapoints: { timestamp: string; Sum: number; SampleCount: number }[]
}

async function metricsOf(call: ReturnType<typeof gateway>, apiName: string) {
  const res = await call('/_gateway/metrics', { authorization: `Bearer ${ADMIN}` })
  expect(res.status).toBe(200)
  const all = (JSON.parse(res.text) as { metrics: Metric[] }).metrics.filter((m) => m.dimensions.ApiName === apiName)
  return (name: string, dimensions: Record<string, string>) => all.find((m) => m.metricName === name && JSON.stringify(m.dimensions) === JSON.stringify({ ApiName: apiName, ...dimensions }))
}

describe('CloudWatch metrics at /_gateway/metrics', () => {
  it('counts every request per API, stage and detailed method, gateway errors included', async () => {
    const call = gateway('obs-counts')
    expect((await call('/prod/ok')).status).toBe(200) // miss
    expect((await call('/prod/ok')).status).toBe(200) // hit
    expect((await call('/prod/ok')).status).toBe(200) // hit
    expect((await call('/prod/fail')).status).toBe(500)
    expect((await call('/prod/keyed')).status).toBe(403) // no API key: the gateway's 403
    expect((await call('/prod/nowhere')).status).toBe(403) // no route: Missing Authentication Token
    expect((await call('/beta/ok')).status).toBe(200)

    const metric = await metricsOf(call, 'obs-counts')
    const prod = { Stage: 'prod' }
    expect(metric('Count', {})?.total.Sum).toBe(7)
    expect(metric('Count', prod)?.total.Sum).toBe(6)
    expect(metric('Count', { Stage: 'beta' })?.total.Sum).toBe(1)
    expect(metric('4XXError', prod)?.total).toMatchObject({ Sum: 2, SampleCount: 6 })
    expect(metric('5XXError', prod)?.total).toMatchObject({ Sum: 1, SampleCount: 6 })
    expect(metric('Latency', prod)?.total.SampleCount).toBe(6)
    // Cache hits never reach the integration; the gateway's 403s never got that far.
    expect(metric('IntegrationLatency', prod)?.total.SampleCount).toBe(2)
    expect(metric('CacheHitCount', prod)?.total.Sum).toBe(2)
    expect(metric('CacheMissCount', prod)?.total.Sum).toBe(1)

    // Detailed metrics only where methodSettings enable them.
    const okMethod = { Method: 'GET', Resource: '/ok', Stage: 'prod' }
    const detailed = (name: string) => metric(name, okMethod)
    expect(detailed('Count')?.total.Sum).toBe(3)
    expect(detailed('CacheHitCount')?.total.Sum).toBe(2)
    expect(metric('Count', { Method: 'GET', Resource: '/fail', Stage: 'prod' })).toBeUndefined()
    expect(metric('Count', { Method: 'GET', Resource: '/ok', Stage: 'beta' })).toBeUndefined()

    // One-minute datapoints add up to the total.
    const points = metric('Count', prod)!.datapoints
    expect(points.length).toBeGreaterThan(0)
    expect(points.reduce((n, p) => n + p.Sum, 0)).toBe(6)
    expect(points[0].timestamp).toMatch(/:00\.000Z$/)
    expect(metric('Latency', prod)?.total.p99).toBeTypeOf('number')
  })

  it('names an API whose title is all non-ASCII by its id, and strips non-ASCII from others', async () => {
    const byId = gateway('obs-unicode', {}, 'ペット')
    await byId('/prod/ok')
    expect((await metricsOf(byId, 'obs-unicode'))('Count', { Stage: 'prod' })?.total.Sum).toBe(1)
    const stripped = gateway('obs-mixed', {}, 'Pets ✓ API')
    await stripped('/prod/ok')
    expect((await metricsOf(stripped, 'Pets  API'))('Count', { Stage: 'prod' })?.total.Sum).toBe(1)
  })

  it('records nothing in-process with GATEWAY_METRICS=off', async () => {
    const call = gateway('obs-off', { GATEWAY_METRICS: 'off' })
    expect((await call('/prod/fail')).status).toBe(500)
    expect((await metricsOf(call, 'obs-off'))('Count', { Stage: 'prod' })).toBeUndefined()
  })
})

describe('the metrics endpoints are behind the admin token', () => {
  it.each(['/_gateway/metrics', '/_gateway/metrics/prometheus'])('%s: 401 without a token, 403 with a wrong one, 503 when none is set', async (path) => {
    const call = gateway('obs-auth')
    expect((await call(path)).status).toBe(401)
    expect((await call(path, { authorization: 'Bearer wrong' })).status).toBe(403)
    const open = gateway('obs-auth', { GATEWAY_ADMIN_TOKEN: undefined })
    expect((await open(path, { authorization: 'Bearer anything' })).status).toBe(503)
  })

  it('serves Prometheus text with its content type', async () => {
    const call = gateway('obs-prom')
    await call('/prod/ok')
    const res = await call('/_gateway/metrics/prometheus', { authorization: `Bearer ${ADMIN}` })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4')
    expect(res.text).toContain('apigateway_count_total{api_name="obs-prom",stage="prod"} 1\n')
    expect(res.text).toContain('apigateway_count_total{api_name="obs-prom",stage="prod",method="GET",resource="/ok"} 1\n')
  })
})

describe('Workers Analytics Engine', () => {
  it('writes one data point per request, in the documented column order', async () => {
    const points: AnalyticsEngineDataPoint[] = []
    // Cloudflare's dataset binding has this one method; locally it is a recorder.
    const dataset: AnalyticsEngineDataset = { writeDataPoint: (p) => void points.push(p!) }
    const call = gateway('obs-ae', { GATEWAY_ANALYTICS: dataset })
    await call('/prod/ok')
    await call('/prod/ok')
    await call('/prod/fail')
    await call('/prod/nowhere')
    expect(points).toHaveLength(4)
    expect(points[0]).toEqual({ indexes: ['obs-ae'], blobs: ['obs-ae', 'obs-ae', 'prod', 'GET', '/ok', 'REST', '200'], doubles: [1, 0, 0, expect.any(Number), expect.any(Number), 0, 1, 1] })
    // A hit: no integration call, so no IntegrationLatency.
    expect(points[1].doubles).toEqual([1, 0, 0, expect.any(Number), 0, 1, 0, 0])
    expect(points[2].doubles!.slice(0, 3)).toEqual([1, 0, 1])
    expect(points[3]).toMatchObject({ blobs: ['obs-ae', 'obs-ae', 'prod', '', '', 'REST', '403'], doubles: [1, 1, 0, expect.any(Number), 0, 0, 0, 0] })
  })
})
