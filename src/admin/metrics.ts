import { Hono } from 'hono'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import { requireAdmin } from './auth'
import { createMetricsReader } from '../observe/aggregate'
import { metricsJson } from '../observe/cloudwatch-json'
import { prometheusText } from '../observe/prometheus'

/**
 * `/_gateway/metrics` (CloudWatch-shaped JSON, one-minute datapoints) and
 * `/_gateway/metrics/prometheus` (text exposition), behind the admin token like the admin API.
 * Both read this isolate's aggregates (docs/observability.md: one process self-hosted, one
 * isolate of many on Cloudflare).
 * @example app.route('/_gateway/metrics', metricsApi(table))
 */
export function metricsApi(table: RouteTable) {
  const read = createMetricsReader(table)
  const metrics = new Hono<{ Bindings: Env }>()
  metrics.use('*', requireAdmin())
  metrics.get('/', (c) => c.json(metricsJson(read(), Date.now())))
  metrics.get('/prometheus', (c) => c.body(prometheusText(read()), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }))
  return metrics
}
