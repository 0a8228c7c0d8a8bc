// @ts-check
/**
 * Turns `/_gateway/metrics` JSON into rows, one per dimension set (API, stage, method or route),
 * and the figures the summary table and charts show.
 */

/** Summary columns in a fixed order: [metric, statistic]. Metrics not listed follow, as Sum. */
const knownColumns = [
  ['Count', 'Sum'],
  ['4XXError', 'Sum'],
  ['5XXError', 'Sum'],
  ['4xx', 'Sum'],
  ['5xx', 'Sum'],
  ['Latency', 'p50'],
  ['Latency', 'p99'],
  ['IntegrationLatency', 'p50'],
  ['IntegrationLatency', 'p99'],
  ['CacheHitCount', 'Sum'],
  ['CacheMissCount', 'Sum'],
  ['CacheErrorCount', 'Sum'],
  ['DataProcessed', 'Sum'],
  ['ConnectCount', 'Sum'],
  ['MessageCount', 'Sum'],
  ['ClientError', 'Sum'],
  ['IntegrationError', 'Sum'],
  ['ExecutionError', 'Sum'],
]

/** A row's name: `pets`, `pets · prod`, `pets · prod · GET /pets` (`ApiId` and `Route` for HTTP and WebSocket APIs). */
const rowName = (/** @type {Record<string, string>} */ d) =>
  [d.ApiName ?? d.ApiId, d.Stage, d.Route ?? (d.Method !== undefined ? `${d.Method} ${d.Resource}` : undefined)].filter((p) => p !== undefined).join(' · ')

/**
 * @typedef {{ metricName: string, unit: string, dimensions: Record<string, string>, total: Record<string, number>, datapoints: Array<Record<string, any>> }} Metric
 * @typedef {{ name: string, metrics: Map<string, Metric> }} Row
 */

/**
 * Groups the metrics by dimension set, APIs first, then their stages, then methods or routes.
 * @example rowsOf(await adminJson('/_gateway/metrics', token))[0].name // 'pets'
 * @param {{ metrics: Metric[] }} json
 * @returns {Row[]}
 */
export function rowsOf(json) {
  /** @type {Map<string, Row>} */
  const rows = new Map()
  for (const m of json.metrics) {
    const name = rowName(m.dimensions)
    let row = rows.get(name)
    if (!row) rows.set(name, (row = { name, metrics: new Map() }))
    row.metrics.set(m.metricName, m)
  }
  return [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/**
 * The summary's columns: the known ones some row has, then any other metric by name.
 * @example columnsOf(rows) // [['Count', 'Sum'], ['4XXError', 'Sum'], …]
 * @param {Row[]} rows
 */
export function columnsOf(rows) {
  const present = new Set(rows.flatMap((r) => [...r.metrics.keys()]))
  const known = knownColumns.filter(([name]) => present.has(name))
  const others = [...present].filter((name) => !knownColumns.some(([k]) => k === name)).sort().map((name) => [name, 'Sum'])
  return [...known, ...others]
}

/**
 * One figure of a row as the summary shows it: a count (a counter the row never recorded is 0),
 * or a latency percentile in ms (`–` without samples).
 * @example figure(row, 'Latency', 'p99') // '12'
 * @param {Row} row
 * @param {string} metric
 * @param {string} stat
 */
export function figure(row, metric, stat) {
  const value = row.metrics.get(metric)?.total[stat]
  if (value !== undefined) return String(Math.round(value * 100) / 100)
  return stat === 'Sum' ? '0' : '–'
}

/**
 * Aligned data for one chart: minute timestamps (seconds) and one array per series, null where a
 * minute has no datapoint.
 * @example chartData(row, [['Count', 'Sum'], ['4XXError', 'Sum']]) // [[t0, t1], [5, 3], [0, 3]]
 * @param {Row} row
 * @param {string[][]} series [metric, statistic] pairs
 * @returns {Array<Array<number | null>>}
 */
export function chartData(row, series) {
  const minutes = new Set()
  for (const [metric] of series) for (const d of row.metrics.get(metric)?.datapoints ?? []) minutes.add(Date.parse(d.timestamp) / 1000)
  const xs = /** @type {number[]} */ ([...minutes]).sort((a, b) => a - b)
  const columns = series.map(([metric, stat]) => {
    const byMinute = new Map((row.metrics.get(metric)?.datapoints ?? []).map((d) => [Date.parse(d.timestamp) / 1000, d[stat] ?? null]))
    return xs.map((x) => byMinute.get(x) ?? null)
  })
  return [xs, ...columns]
}
