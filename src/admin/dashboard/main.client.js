// @ts-check
import { adminJson, TokenRefused } from './admin-fetch.js'
import { rowsOf } from './metrics.js'
import { createCharts } from './charts.js'
import { renderSummary } from './summary.js'
import { renderApis } from './definitions.js'
import { renderUsage } from './usage.js'
import { renderConnections } from './connections.js'

/** How often the page reads the metrics again. */
const pollMs = 3000
/** Kept for this tab only: closing it forgets the token. */
const tokenKey = 'gateway-admin-token'

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id))
const charts = createCharts($('charts'))
/** @type {string | undefined} */
let selected
/** @type {import('./metrics.js').Row[]} */
let rows = []
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer
let updates = 0
/** Bumped on every sign-in and sign-out, so a read still under way from before is dropped. */
let session = 0

function askForToken(/** @type {string | undefined} */ why) {
  clearTimeout(timer)
  session++
  sessionStorage.removeItem(tokenKey)
  $('content').hidden = true
  $('sign-out').hidden = true
  $('token-form').hidden = false
  $('status').textContent = 'not signed in'
  showError(why)
  $('token').focus()
}

function showError(/** @type {string | undefined} */ message) {
  $('error').hidden = !message
  $('error').textContent = message ?? ''
}

function select(/** @type {string} */ name) {
  selected = name
  renderSummary($('summary'), rows, selected, select)
  $('chart-title').textContent = name
  charts.show(rows.find((r) => r.name === name))
}

function start(/** @type {string} */ token) {
  clearTimeout(timer)
  update(token, true, ++session)
}

async function update(/** @type {string} */ token, /** @type {boolean} */ first, /** @type {number} */ mine) {
  try {
    const [metrics, apis, connections] = await Promise.all([
      adminJson('/_gateway/metrics', token),
      first ? adminJson('/_gateway/admin/apis', token) : undefined,
      adminJson('/_gateway/admin/connections', token),
    ])
    if (mine !== session) return
    if (apis) renderApis($('apis'), apis.items)
    renderConnections($('connections'), connections.items)
    rows = rowsOf(metrics)
    if (!rows.some((r) => r.name === selected)) selected = rows[0]?.name
    select(/** @type {string} */ (selected))
    await renderUsage($('usage'), token)
    $('content').hidden = false
    $('sign-out').hidden = false
    $('token-form').hidden = true
    showError(undefined)
    $('status').textContent = `updated ${new Date().toLocaleTimeString()} (every ${pollMs / 1000} s)`
    $('status').dataset.updates = String(++updates)
  } catch (e) {
    if (mine !== session) return
    if (e instanceof TokenRefused) return askForToken(e.message)
    // A failed read (the gateway restarting, say) is shown and tried again at the next poll.
    showError(`Could not read the metrics: ${e instanceof Error ? e.message : e}`)
  }
  if (mine === session) timer = setTimeout(() => update(token, false, mine), pollMs)
}

$('token-form').addEventListener('submit', (/** @type {Event} */ event) => {
  event.preventDefault()
  const token = $('token').value.trim()
  $('token').value = ''
  sessionStorage.setItem(tokenKey, token)
  start(token)
})
$('sign-out').addEventListener('click', () => askForToken(undefined))

const saved = sessionStorage.getItem(tokenKey)
if (saved) start(saved)
else askForToken(undefined)
