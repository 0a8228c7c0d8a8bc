import uplotScript from 'uplot/dist/uPlot.iife.min.js'
import uplotStyle from 'uplot/dist/uPlot.min.css'
import page from './page.html'
import style from './dashboard.css'
import main from './main.client.js'
import adminFetch from './admin-fetch.client.js'
import definitions from './definitions.client.js'
import metrics from './metrics.client.js'
import charts from './charts.client.js'
import usage from './usage.client.js'
import summary from './summary.client.js'
import connections from './connections.client.js'

/** One file the dashboard serves: its text and content type. */
export interface Asset {
  body: string
  type: string
}

const js = 'text/javascript; charset=utf-8'
const css = 'text/css; charset=utf-8'

/** The page. */
export const dashboardPage: Asset = { body: page, type: 'text/html; charset=utf-8' }

/**
 * The files the page loads, by name under `/_gateway/dashboard/`: bundled into the Worker as
 * text at build time (wrangler.toml's Text rule; src/cli/text-modules.ts), never from a CDN.
 */
export const dashboardFiles: Record<string, Asset> = {
  'uPlot.min.js': { body: uplotScript, type: js },
  'uPlot.min.css': { body: uplotStyle, type: css },
  'dashboard.css': { body: style, type: css },
  'main.js': { body: main, type: js },
  'admin-fetch.js': { body: adminFetch, type: js },
  'definitions.js': { body: definitions, type: js },
  'metrics.js': { body: metrics, type: js },
  'charts.js': { body: charts, type: js },
  'usage.js': { body: usage, type: js },
  'summary.js': { body: summary, type: js },
  'connections.js': { body: connections, type: js },
}
