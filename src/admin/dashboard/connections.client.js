// @ts-check
import { headRow } from './definitions.js'

/**
 * Open WebSocket connections per API and stage, from `/_gateway/admin/connections` (counted by
 * the connection shards themselves, so exact across isolates). The section stays hidden when the
 * definitions have no WebSocket API.
 * @example renderConnections(document.getElementById('connections'), (await adminJson('/_gateway/admin/connections', token)).items)
 * @param {HTMLTableElement} table
 * @param {Array<{ apiId: string, apiName: string, stage: string, open: number }>} items
 */
export function renderConnections(table, items) {
  /** @type {HTMLElement} */ (table.closest('section')).hidden = items.length === 0
  const body = document.createElement('tbody')
  for (const item of items) {
    const row = body.insertRow()
    row.dataset.stage = `${item.apiId}/${item.stage}`
    for (const text of [item.apiName, item.apiId, item.stage, String(item.open)]) row.insertCell().textContent = text
  }
  table.replaceChildren(headRow(['API', 'id', 'stage', 'open connections']), body)
}
