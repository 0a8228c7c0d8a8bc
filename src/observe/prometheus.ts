import type { NamedSeries } from './aggregate'
import { isDistribution } from './metrics'

/** Histogram bucket bounds for latencies, in milliseconds (AWS's integration timeout is at most 30 s). */
export const latencyBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000]

/**
 * The Prometheus name of a CloudWatch metric (a contract: docs/observability.md):
 * `apigateway_` + snake case, `_total` for counters, `_milliseconds` for latency histograms,
 * `_bytes_total` for DataProcessed.
 * @example prometheusName('4XXError') // 'apigateway_4xx_error_total'
 */
export function prometheusName(metric: string): string {
  const snake = metric
    .replace(/([a-z])([A-Z])/g, (_, a, b) => `${a}_${b}`)
    .replace(/([A-Z])([A-Z][a-z])/g, (_, a, b) => `${a}_${b}`)
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase()
  if (isDistribution(metric)) return `apigateway_${snake}_milliseconds`
  if (metric === 'DataProcessed') return `apigateway_${snake}_bytes_total`
  return `apigateway_${snake}_total`
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')

const labelText = (labels: Record<string, string>, extra?: [string, string]) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  if (extra) parts.push(`${extra[0]}="${extra[1]}"`)
  return parts.length > 0 ? `{${parts.join(',')}}` : ''
}

/**
 * Prometheus text exposition (format 0.0.4) of the stage and method (route) series: counters
 * since the isolate started, latencies as histograms. API-level series are left out, as they are
 * the sum of the stage series and would be counted twice by `sum()`.
 * @example prometheusText(read()) // '# TYPE apigateway_count_total counter\napigateway_count_total{api_name="pets",stage="prod"} 3\n…'
 */
export function prometheusText(series: NamedSeries[]): string {
  const families = new Map<string, NamedSeries[]>()
  for (const s of series) {
    if (s.level === 'api') continue
    const name = prometheusName(s.name)
    families.get(name)?.push(s) ?? families.set(name, [s])
  }
  const lines: string[] = []
  for (const [name, members] of families) {
    const metric = members[0].name
    const histogram = isDistribution(metric)
    lines.push(`# HELP ${name} CloudWatch ${metric} (AWS/ApiGateway)${histogram ? ', milliseconds' : ''}, in this isolate since it started.`)
    lines.push(`# TYPE ${name} ${histogram ? 'histogram' : 'counter'}`)
    for (const s of members) {
      if (!histogram) {
        lines.push(`${name}${labelText(s.labels)} ${s.total.sum}`)
        continue
      }
      const sorted = [...(s.total.values ?? new Map<number, number>())].sort((a, b) => a[0] - b[0])
      let cumulative = 0
      let i = 0
      for (const bound of latencyBuckets) {
        while (i < sorted.length && sorted[i][0] <= bound) cumulative += sorted[i++][1]
        lines.push(`${name}_bucket${labelText(s.labels, ['le', String(bound)])} ${cumulative}`)
      }
      lines.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.total.count}`)
      lines.push(`${name}_sum${labelText(s.labels)} ${s.total.sum}`)
      lines.push(`${name}_count${labelText(s.labels)} ${s.total.count}`)
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : ''
}
