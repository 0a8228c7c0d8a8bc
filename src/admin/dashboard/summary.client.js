// @ts-check
import { columnsOf, figure } from './metrics.js'
import { headRow } from './definitions.js'

/** @typedef {import('./metrics.js').Row} Row */

/**
 * The figures of every row as text (totals since the isolate started): what the charts draw,
 * readable and copyable. Clicking a row selects it for the charts.
 * @example renderSummary(table, rows, 'pets · prod', (name) => select(name))
 * @param {HTMLTableElement} table
 * @param {Row[]} rows
 * @param {string | undefined} selected
 * @param {(name: string) => void} onSelect
 */
export function renderSummary(table, rows, selected, onSelect) {
  const columns = columnsOf(rows)
  const head = headRow(['API · stage · route', ...columns.map(([metric, stat]) => (stat === 'Sum' ? metric : `${metric} ${stat}`))])
  const body = document.createElement('tbody')
  for (const r of rows) {
    const row = body.insertRow()
    row.dataset.row = r.name
    if (r.name === selected) row.className = 'selected'
    row.addEventListener('click', () => onSelect(r.name))
    const name = row.insertCell()
    name.className = 'name'
    name.textContent = r.name
    for (const [metric, stat] of columns) {
      const cell = row.insertCell()
      cell.dataset.metric = stat === 'Sum' ? metric : `${metric} ${stat}`
      cell.textContent = figure(r, metric, stat)
    }
  }
  table.replaceChildren(head, body)
  if (rows.length === 0) table.createCaption().textContent = 'No requests yet.'
}
