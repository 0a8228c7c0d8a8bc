import { percentile, type NamedSeries } from './aggregate'
import type { Aggregate } from './metrics'

/** CloudWatch's unit for a metric. */
const unitOf = (name: string) => (name.endsWith('Latency') ? 'Milliseconds' : name === 'DataProcessed' ? 'Bytes' : 'Count')

/** CloudWatch's statistics of one period, with p50/p90/p99 for latencies. */
function statistics(a: Aggregate) {
  return {
    Sum: a.sum,
    SampleCount: a.count,
    Average: a.count > 0 ? a.sum / a.count : 0,
    Minimum: a.count > 0 ? a.min : 0,
    Maximum: a.count > 0 ? a.max : 0,
    ...(a.values ? { p50: percentile(a.values, 50), p90: percentile(a.values, 90), p99: percentile(a.values, 99) } : {}),
  }
}

/**
 * `/_gateway/metrics`: every metric at each of CloudWatch's dimension sets, as one-minute
 * datapoints (the last hour, oldest first) and a total since the isolate started.
 * @example metricsJson(read(), Date.now()).metrics[0] // { namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: { ApiName: 'pets' }, … }
 */
export function metricsJson(series: NamedSeries[], now: number) {
  return {
    period: 60,
    generatedAt: new Date(now).toISOString(),
    scope: 'isolate',
    metrics: series.map((s) => ({
      namespace: 'AWS/ApiGateway',
      metricName: s.name,
      unit: unitOf(s.name),
      dimensions: s.dimensions,
      total: statistics(s.total),
      datapoints: [...s.minutes]
        .sort((a, b) => a[0] - b[0])
        .map(([minute, a]) => ({ timestamp: new Date(minute).toISOString(), ...statistics(a) })),
    })),
  }
}
