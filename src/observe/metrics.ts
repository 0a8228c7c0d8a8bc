/**
 * In-isolate metric counters, named as AWS's CloudWatch metrics (Count, 4XXError, 5XXError,
 * Latency, IntegrationLatency, CacheHitCount, CacheMissCount), per API, stage and method.
 * Recording is a map update: no I/O on the request path; sinks read a snapshot.
 */
export type MetricName =
  | 'Count'
  | '4XXError'
  | '5XXError'
  | 'Latency'
  | 'IntegrationLatency'
  | 'CacheHitCount'
  | 'CacheMissCount'
  /** Beyond AWS: cache store reads or writes that failed (the request itself was served). */
  | 'CacheErrorCount'
  /** WebSocket APIs (../shared/spec §10.1), with IntegrationLatency; recorded by src/websocket/metrics.ts. */
  | 'ConnectCount'
  | 'MessageCount'
  | 'IntegrationError'
  | 'ClientError'
  | 'ExecutionError'

export interface MetricDimensions {
  apiId: string
  stage: string
  /** `GET /pets/{id}`, or undefined for API-level figures. */
  method?: string
  /** WebSocket APIs: the route key (AWS's Route dimension), or undefined for API-level figures. */
  route?: string
}

interface Series {
  dimensions: MetricDimensions
  sum: number
  count: number
}

const series = new Map<string, Series>()

/** Adds one observation (1 for a count, milliseconds for a latency). */
export function recordMetric(name: MetricName, dimensions: MetricDimensions, value = 1) {
  const key = `${name}\u0000${dimensions.apiId}\u0000${dimensions.stage}\u0000${dimensions.method ?? ''}\u0000${dimensions.route ?? ''}`
  let s = series.get(key)
  if (!s) series.set(key, (s = { dimensions, sum: 0, count: 0 }))
  s.sum += value
  s.count += 1
}

/** A copy of every series recorded in this isolate since it started. */
export function metricsSnapshot(): { name: MetricName; dimensions: MetricDimensions; sum: number; count: number }[] {
  return [...series.entries()].map(([key, s]) => ({ name: key.split('\u0000')[0] as MetricName, ...s }))
}
