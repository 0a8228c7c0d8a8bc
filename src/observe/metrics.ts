/**
 * In-isolate metrics, named as AWS's CloudWatch metrics (REST: Count, 4XXError, 5XXError,
 * Latency, IntegrationLatency, CacheHitCount, CacheMissCount; HTTP APIs: 4xx, 5xx,
 * DataProcessed; WebSocket: ConnectCount, MessageCount, …), per API, stage and method or route.
 * Recording is two map updates: no I/O on the request path. Any name is accepted, so a new
 * metric flows to every sink without registering it. Sinks read `metricsSnapshot()`.
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
  // Any other CloudWatch name (`4xx`, `DataProcessed`, `ConnectCount`, …), still completed by editors.
  | (string & {})

export interface MetricDimensions {
  apiId: string
  /** The stage name; empty when the request named no stage of the API. */
  stage: string
  /** `GET /pets/{id}` (REST, HTTP APIs) or a WebSocket route key; undefined for stage-level figures. */
  method?: string
}

/** Sum, SampleCount, extremes and (for latencies) how often each whole millisecond was seen. */
export interface Aggregate {
  sum: number
  count: number
  min: number
  max: number
  /** Milliseconds → samples, for metrics whose name ends in `Latency`: exact percentiles and histogram buckets. */
  values?: Map<number, number>
}

/** One metric for one set of dimensions: totals since the isolate started, and the last minutes. */
export interface Series {
  name: MetricName
  dimensions: MetricDimensions
  total: Aggregate
  /** Minute start (epoch ms) → aggregate, oldest first; at most `retainedMinutes`. */
  minutes: Map<number, Aggregate>
  /** The minute being recorded and its aggregate, so most observations skip the map. */
  minute: number
  current: Aggregate | undefined
}

/** How many one-minute periods each series keeps (CloudWatch's own resolution for these metrics). */
export const retainedMinutes = 60

const series = new Map<string, Series>()

/**
 * Series by the identity of their dimensions object: callers that make their dimensions once
 * at setup (the observe and cache steps) find a series with two map reads and no key to build.
 */
const byDimensions = new WeakMap<MetricDimensions, Map<string, Series>>()

/** The series of a name and dimensions, shared by every dimensions object with the same values. */
function seriesOf(name: string, dimensions: MetricDimensions): Series {
  const key = `${name}\u0000${dimensions.apiId}\u0000${dimensions.stage}\u0000${dimensions.method ?? ''}`
  let s = series.get(key)
  if (!s) series.set(key, (s = { name, dimensions, total: emptyAggregate(isDistribution(name)), minutes: new Map(), minute: -1, current: undefined }))
  return s
}

const emptyAggregate = (distribution: boolean): Aggregate => ({ sum: 0, count: 0, min: Infinity, max: -Infinity, ...(distribution ? { values: new Map() } : {}) })

function add(a: Aggregate, value: number) {
  a.sum += value
  a.count += 1
  if (value < a.min) a.min = value
  if (value > a.max) a.max = value
  if (a.values) {
    const ms = Math.round(value)
    a.values.set(ms, (a.values.get(ms) ?? 0) + 1)
  }
}

/** Latencies keep their distribution; counts (0 or 1 per request, as CloudWatch's error metrics) need only sums. */
export const isDistribution = (name: string) => name.endsWith('Latency')

/**
 * Adds one observation: 1 (or 0) for a count, milliseconds for a latency, bytes for DataProcessed.
 * @example recordMetric('4XXError', { apiId: 'a1b2c3', stage: 'prod', method: 'GET /pets' }, 0)
 */
export function recordMetric(name: MetricName, dimensions: MetricDimensions, value = 1, now = Date.now()) {
  let named = byDimensions.get(dimensions)
  if (!named) byDimensions.set(dimensions, (named = new Map()))
  let s = named.get(name)
  if (!s) named.set(name, (s = seriesOf(name, dimensions)))
  add(s.total, value)
  const minute = now - (now % 60_000)
  if (minute !== s.minute) {
    s.minute = minute
    s.current = s.minutes.get(minute)
    if (!s.current) {
      s.minutes.set(minute, (s.current = emptyAggregate(isDistribution(name))))
      // Map keeps insertion order: the first key is the oldest minute.
      if (s.minutes.size > retainedMinutes) s.minutes.delete(s.minutes.keys().next().value!)
    }
  }
  add(s.current!, value)
}

/**
 * Every series recorded in this isolate since it started (live objects: read, never change them).
 * @example metricsSnapshot().filter((m) => m.name === 'Count').reduce((n, m) => n + m.sum, 0)
 */
export function metricsSnapshot(): (Series & { sum: number; count: number })[] {
  return [...series.values()].map((s) => ({ ...s, sum: s.total.sum, count: s.total.count }))
}
