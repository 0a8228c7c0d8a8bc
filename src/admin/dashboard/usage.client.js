// @ts-check
import { adminJson } from './admin-fetch.js'
import { headRow } from './definitions.js'

/**
 * Usage and quota per API key and usage plan, from `/_gateway/admin/apikeys` and
 * `/_gateway/admin/usageplans/{plan}/usage` (read from each key's own object, so exact).
 * @example renderUsage(document.getElementById('usage'), token)
 * @param {HTMLTableElement} table
 * @param {string} token
 */
export async function renderUsage(table, token) {
  const [{ items: keys }, { items: plans }] = await Promise.all([adminJson('/_gateway/admin/apikeys', token), adminJson('/_gateway/admin/usageplans', token)])
  const quotas = new Map(plans.map((/** @type {any} */ p) => [p.name, p.quota]))
  const rows = await Promise.all(
    keys.flatMap((/** @type {any} */ key) =>
      (key.usagePlans.length ? key.usagePlans : [undefined]).map(async (/** @type {string | undefined} */ plan) => {
        const quota = plan && quotas.get(plan)
        const usage = quota ? await adminJson(`/_gateway/admin/usageplans/${encodeURIComponent(plan)}/usage?keyId=${encodeURIComponent(key.id)}`, token).catch((e) => ({ error: e.message })) : undefined
        return { key, plan, usage }
      }),
    ),
  )
  const body = document.createElement('tbody')
  for (const { key, plan, usage } of rows) {
    const row = body.insertRow()
    row.dataset.key = key.id
    const cells = [key.name, key.id, key.enabled ? 'enabled' : 'disabled', plan ?? 'no plan']
    if (!usage) cells.push('no quota', '', '', '')
    else if (usage.error) cells.push(usage.error, '', '', '')
    else cells.push(String(usage.used), String(usage.remaining), String(usage.limit), `${usage.period} (to ${usage.periodEnd})`)
    for (const text of cells) row.insertCell().textContent = text
  }
  table.replaceChildren(headRow(['key', 'id', 'state', 'usage plan', 'used', 'remaining', 'limit', 'period']), body)
  if (keys.length === 0) table.createCaption().textContent = 'No API keys.'
}
