import type { RouteTable } from '../definitions/table'
import { createDimensionNamer, type Level } from './dimensions'
import { isDistribution, metricsSnapshot, type Aggregate, type MetricName } from './metrics'

/** One metric at one of CloudWatch's dimension sets, summed over the series recorded under it. */
export interface NamedSeries {
  name: MetricName
  level: Level
  dimensions: Record<string, string>
  labels: Record<string, string>
  total: Aggregate
  minutes: Map<number, Aggregate>
}

/**
 * Reads this isolate's series as CloudWatch publishes them: each recorded series adds to its
 * API, its stage and (with detailed metrics) its method or route. Run per read of the metrics
 * endpoints, never on the request path.
 * @example
 * const read = createMetricsReader(table)
 * read().filter((s) => s.name === 'Count' && s.level === 'stage')
 */
export function createMetricsReader(table: RouteTable) {
  const name = createDimensionNamer(table)
  return function read(): NamedSeries[] {
    const merged = new Map<string, NamedSeries>()
    for (const s of metricsSnapshot()) {
      for (const named of name(s.dimensions)) {
        const key = `${s.name}\u0000${JSON.stringify(named.labels)}`
        let into = merged.get(key)
        if (!into) merged.set(key, (into = { name: s.name, ...named, total: emptyLike(s.name), minutes: new Map() }))
        mergeInto(into.total, s.total)
        for (const [minute, a] of s.minutes) {
          let m = into.minutes.get(minute)
          if (!m) into.minutes.set(minute, (m = emptyLike(s.name)))
          mergeInto(m, a)
        }
      }
    }
    return [...merged.values()].sort((a, b) => (a.name === b.name ? labelOrder(a, b) : a.name < b.name ? -1 : 1))
  }
}

const labelOrder = (a: NamedSeries, b: NamedSeries) => {
  const x = JSON.stringify(a.labels)
  const y = JSON.stringify(b.labels)
  return x < y ? -1 : x > y ? 1 : 0
}

const emptyLike = (name: string): Aggregate => ({ sum: 0, count: 0, min: Infinity, max: -Infinity, ...(isDistribution(name) ? { values: new Map() } : {}) })

function mergeInto(into: Aggregate, a: Aggregate) {
  into.sum += a.sum
  into.count += a.count
  into.min = Math.min(into.min, a.min)
  into.max = Math.max(into.max, a.max)
  if (into.values && a.values) for (const [v, n] of a.values) into.values.set(v, (into.values.get(v) ?? 0) + n)
}

/**
 * The nearest-rank percentile (0 < p ≤ 100) of a latency distribution, in whole milliseconds.
 * @example percentile(new Map([[3, 9], [40, 1]]), 99) // 40
 */
export function percentile(values: Map<number, number>, p: number): number | undefined {
  let total = 0
  for (const n of values.values()) total += n
  if (total === 0) return undefined
  const rank = Math.ceil((p / 100) * total)
  let seen = 0
  for (const v of [...values.keys()].sort((a, b) => a - b)) {
    seen += values.get(v)!
    if (seen >= rank) return v
  }
  return undefined
}
