import { Hono } from 'hono'
import type { Env } from '../../env'
import { dashboardFiles, dashboardPage, type Asset } from './assets'

/**
 * The page's own files only, and calls to this origin only: the admin token typed into the page
 * can go nowhere else.
 */
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const serve = (asset: Asset) =>
  new Response(asset.body, {
    headers: {
      'content-type': asset.type,
      'content-security-policy': contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    },
  })

/**
 * `/_gateway/dashboard`: a page that charts the gateway's metrics live. The page and its files
 * load without the admin token; every figure comes from the token-protected JSON endpoints
 * (`/_gateway/metrics`, `/_gateway/admin/…`), called by the page with the token it asks for.
 * @example app.route('/_gateway/dashboard', dashboardApi())
 */
export function dashboardApi() {
  const app = new Hono<{ Bindings: Env }>()
  app.get('/', () => serve(dashboardPage))
  app.get('/:file', (c) => {
    const asset = Object.hasOwn(dashboardFiles, c.req.param('file')) ? dashboardFiles[c.req.param('file')] : undefined
    return asset ? serve(asset) : c.json({ message: 'Not Found' }, 404)
  })
  return app
}
