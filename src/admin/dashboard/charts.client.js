// @ts-check
import { chartData } from './metrics.js'

/** The charts a row can have; each shows the series the row recorded, and is left out when it has none. */
const chartKinds = [
  {
    title: 'Requests and errors (per minute)',
    series: [['Count', 'Sum'], ['4XXError', 'Sum'], ['5XXError', 'Sum'], ['4xx', 'Sum'], ['5xx', 'Sum'], ['ConnectCount', 'Sum'], ['MessageCount', 'Sum'], ['ClientError', 'Sum'], ['IntegrationError', 'Sum'], ['ExecutionError', 'Sum']],
  },
  { title: 'Latency (ms)', series: [['Latency', 'p50'], ['Latency', 'p99'], ['IntegrationLatency', 'p50'], ['IntegrationLatency', 'p99']] },
  { title: 'Cache (per minute)', series: [['CacheHitCount', 'Sum'], ['CacheMissCount', 'Sum'], ['CacheErrorCount', 'Sum']] },
]

const colours = ['#1f6fbf', '#d9822b', '#c23030', '#2e8540', '#7b3fa0', '#5b6670', '#b8860b', '#008b8b', '#a0522d', '#444']

/** @typedef {import('./metrics.js').Row} Row */

/**
 * Draws the charts of one row with uPlot (loaded by the page as the global `uPlot`), and on later
 * calls for the same row and series only hands uPlot the new data.
 * @example const charts = createCharts(document.getElementById('charts')); charts.show(rows[0])
 * @param {HTMLElement} container
 */
export function createCharts(container) {
  /** @type {{ key: string, plots: Array<{ plot: any, series: string[][] }> } | undefined} */
  let drawn
  return {
    /** @param {Row | undefined} row */
    show(row) {
      const charts = row ? chartKinds.map((k) => ({ title: k.title, series: k.series.filter(([m]) => row.metrics.has(m)) })).filter((k) => k.series.length > 0) : []
      const key = `${row?.name}\u0000${JSON.stringify(charts)}`
      if (drawn?.key === key && row) {
        for (const { plot, series } of drawn.plots) plot.setData(chartData(row, series))
        return
      }
      for (const { plot } of drawn?.plots ?? []) plot.destroy()
      container.replaceChildren()
      drawn = { key, plots: [] }
      if (!row) return
      for (const chart of charts) {
        const box = document.createElement('div')
        box.className = 'chart'
        box.dataset.chart = chart.title
        container.append(box)
        drawn.plots.push({ plot: draw(box, chart.title, chart.series, chartData(row, chart.series)), series: chart.series })
      }
    },
  }
}

/**
 * @param {HTMLElement} box
 * @param {string} title
 * @param {string[][]} series
 * @param {Array<Array<number | null>>} data
 */
function draw(box, title, series, data) {
  const uPlot = /** @type {any} */ (globalThis).uPlot
  const width = Math.max(320, Math.min(560, window.innerWidth - 80))
  return new uPlot(
    {
      title,
      width,
      height: 220,
      // A minute's point shows even when it is the only one.
      series: [{}, ...series.map(([metric, stat], i) => ({ label: stat === 'Sum' ? metric : `${metric} ${stat}`, stroke: colours[i % colours.length], width: 2, points: { show: true, size: 6 } }))],
      axes: [{}, { size: 50 }],
      scales: {
        // At least the last half hour, so one minute's point sits at the right of a readable time axis.
        // From the data itself: for a single point uPlot widens the scale by 86,400,000 s (years) first.
        x: { time: true, range: (/** @type {any} */ u) => timeRange(u.data[0]) },
        y: { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, Math.max(1, max * 1.1)] },
      },
    },
    data,
    box,
  )
}

/**
 * The time axis of a chart: its minutes, and at least the half hour before the last one.
 * @example timeRange([1700000000]) // [1699998200, 1700000060]
 * @param {number[]} xs minutes (epoch seconds), sorted
 * @returns {[number, number]}
 */
export function timeRange(xs) {
  const last = xs.length ? xs[xs.length - 1] : Date.now() / 1000
  return [Math.min(xs[0] ?? last, last - 1800), last + 60]
}
