import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { chromiumPath, fetchInPage, launchChromium, servePage, type PageOrigin, type Seen } from './helpers/browser'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { startGateway, type RunningGateway } from './helpers/gateway'
import { startOidcIssuer, type OidcIssuer } from './helpers/oidc-issuer'
import { routesDir } from './helpers/routes'

/**
 * CORS as a browser enforces it: headless Chromium loads a page from one origin (a Node server on
 * 127.0.0.1) and its `fetch` calls `gateway serve` on another port, which is another origin.
 * Screenshots of what the page saw go to test-artifacts/.
 */
const chromium = chromiumPath()
if (!chromium) console.warn('SKIPPED test/e2e/cors-browser.test.ts: no Chromium installed (apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH)')

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
const exampleFile = fileURLToPath(new URL('../../routes/enable-cors.yaml', import.meta.url))

const ok = (seen: Seen) => {
  if ('error' in seen) throw new Error(`fetch failed in the page: ${seen.error}`)
  return seen
}

const httpApi = (backendPort: number, pageOrigin: string, issuer: string) => `openapi: 3.0.1
info: { title: cors-http, version: '1' }
x-gateway: { protocolType: HTTP }
x-amazon-apigateway-cors:
  allowOrigins: ['${pageOrigin}']
  allowMethods: [GET, PUT]
  allowHeaders: [x-trace, content-type, authorization]
  exposeHeaders: [x-backend]
  maxAge: 0
  allowCredentials: true
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    users:
      type: oauth2
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration: { issuer: '${issuer}', audience: [browser-app] }
paths:
  /items:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/items' }
    put:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: PUT, uri: 'http://127.0.0.1:${backendPort}/items' }
  /locked:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/items' }
  /private:
    get:
      security: [{ users: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backendPort}/items' }
`

describe.skipIf(!chromium)('CORS in headless Chromium', () => {
  let browser: Browser
  let allowed: PageOrigin
  let denied: PageOrigin
  let http: Fixture
  let idp: OidcIssuer
  let rest: RunningGateway
  let removeRestRoutes: () => Promise<void>

  beforeAll(async () => {
    ;[allowed, denied, idp] = await Promise.all([servePage('page on the allowed origin'), servePage('page on an origin not allowed'), startOidcIssuer()])
    const restRoutes = await routesDir({})
    removeRestRoutes = restRoutes.remove
    await copyFile(exampleFile, join(restRoutes.dir, 'enable-cors.yaml'))
    // Settled one by one, so whatever started is stopped by afterAll even when another part failed.
    const started = await Promise.allSettled([
      serveWithBackend((port) => ({ 'cors-http.yaml': httpApi(port, allowed.origin, idp.issuer('browser')) }), {
        // The backend's own CORS headers, which the gateway must drop.
        '/items': (req, res, body) => {
          res.setHeader('content-type', 'application/json')
          res.setHeader('access-control-allow-origin', 'https://backend.example')
          res.setHeader('x-backend', 'seen')
          res.end(JSON.stringify({ method: req.method, trace: req.headers['x-trace'] ?? null, body: body.toString('utf8') }))
        },
      }).then((f) => (http = f)),
      startGateway(restRoutes.dir).then((g) => (rest = g)),
      launchChromium(chromium!).then((b) => (browser = b)),
    ])
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
    if (failed) throw failed.reason
    await mkdir(artifacts, { recursive: true })
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await Promise.all([http?.stop(), rest?.stop(), allowed?.close(), denied?.close(), idp?.close()])
    await removeRestRoutes?.()
  })

  const open = async (origin: string): Promise<Page> => {
    const page = await browser.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`${origin}/`)
    return page
  }

  it("HTTP API: the configured origin reads answers, gateway errors and a JWT route's 401 included; another origin reads nothing", async () => {
    const api = http.gateway.url
    const page = await open(allowed.origin)

    const get = ok(await fetchInPage(page, 'simple GET', { url: `${api}/items` }))
    expect(get.status).toBe(200)
    expect(JSON.parse(get.body)).toMatchObject({ method: 'GET' })
    // Only exposeHeaders (and the safelisted ones) are readable from script.
    expect(get.headers['x-backend']).toBe('seen')

    const before = http.backend.received.length
    const put = ok(
      await fetchInPage(page, 'preflighted PUT, custom header, credentials', {
        url: `${api}/items`,
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-trace': 'trace-1' },
        body: '{"name":"lamp"}',
        credentials: 'include',
      }),
    )
    expect(put.status).toBe(200)
    expect(JSON.parse(put.body)).toEqual({ method: 'PUT', trace: 'trace-1', body: '{"name":"lamp"}' })
    // The gateway answered the preflight: the backend saw the PUT and no OPTIONS.
    expect(http.backend.received.slice(before).map((r) => r.method)).toEqual(['PUT'])

    const locked = ok(await fetchInPage(page, 'route needing an API key', { url: `${api}/locked`, credentials: 'include' }))
    expect(locked.status).toBe(403)
    expect(JSON.parse(locked.body)).toEqual({ message: 'Forbidden' })
    // The gateway's own 401 carries the CORS headers too, so the page can read it.
    const reachedBefore = http.backend.received.length
    const noToken = ok(await fetchInPage(page, 'JWT route, no token', { url: `${api}/private` }))
    expect(noToken.status).toBe(401)
    expect(JSON.parse(noToken.body)).toEqual({ message: 'Unauthorized' })
    expect(http.backend.received.length).toBe(reachedBefore)
    const token = await idp.sign('browser', { sub: 'page-user', aud: 'browser-app' })
    const withToken = ok(await fetchInPage(page, 'JWT route, token from the local issuer (preflighted)', { url: `${api}/private`, headers: { authorization: `Bearer ${token}` } }))
    expect(withToken.status).toBe(200)
    expect(JSON.parse(withToken.body)).toMatchObject({ method: 'GET' })
    expect(http.backend.received.slice(reachedBefore).map((r) => r.method)).toEqual(['GET'])
    const missing = ok(await fetchInPage(page, 'no route', { url: `${api}/nowhere` }))
    expect(missing.status).toBe(404)
    expect(JSON.parse(missing.body)).toEqual({ message: 'Not Found' })
    await page.screenshot({ path: join(artifacts, 'cors-http-api-allowed.png'), fullPage: true })

    const other = await open(denied.origin)
    const deniedGet = await fetchInPage(other, 'simple GET from an origin not allowed', { url: `${api}/items` })
    expect(deniedGet).toEqual({ error: expect.stringMatching(/^TypeError: /) })
    const sent = http.backend.received.length
    const deniedPut = await fetchInPage(other, 'preflighted PUT from an origin not allowed', {
      url: `${api}/items`,
      method: 'PUT',
      headers: { 'x-trace': 'trace-2' },
      body: 'x',
    })
    expect(deniedPut).toEqual({ error: expect.stringMatching(/^TypeError: /) })
    // The preflight got no CORS headers, so the browser never sent the PUT.
    expect(http.backend.received.slice(sent).map((r) => r.method)).toEqual([])
    await other.screenshot({ path: join(artifacts, 'cors-http-api-denied.png'), fullPage: true })
  })

  it('REST "Enable CORS" (routes/enable-cors.yaml): MOCK OPTIONS answers the preflight, DEFAULT_4XX makes the 401 readable', async () => {
    const api = `${rest.url}/cors-demo/dev`
    const page = await open(allowed.origin)

    const get = ok(await fetchInPage(page, 'simple GET', { url: `${api}/greeting` }))
    expect(get.status).toBe(200)
    expect(JSON.parse(get.body)).toEqual({ greeting: 'hello' })

    const put = ok(
      await fetchInPage(page, 'preflighted PUT, custom header', {
        url: `${api}/greeting`,
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-trace': 'trace-3' },
        body: '{"greeting":"hi"}',
      }),
    )
    expect(put.status).toBe(200)
    expect(JSON.parse(put.body)).toEqual({ updated: true, trace: 'trace-3' })

    const unauthorized = ok(await fetchInPage(page, 'token authorizer, no token', { url: `${api}/private` }))
    expect(unauthorized.status).toBe(401)
    expect(JSON.parse(unauthorized.body)).toEqual({ message: 'Unauthorized' })
    const missing = ok(await fetchInPage(page, 'no route', { url: `${api}/nowhere` }))
    expect(missing.status).toBe(403)
    expect(JSON.parse(missing.body)).toEqual({ message: 'Missing Authentication Token' })

    // "*" with credentials is what browsers refuse, whatever the gateway says.
    const withCredentials = await fetchInPage(page, 'GET with credentials against "*"', { url: `${api}/greeting`, credentials: 'include' })
    expect(withCredentials).toEqual({ error: expect.stringMatching(/^TypeError: /) })
    await page.screenshot({ path: join(artifacts, 'cors-rest-enable-cors.png'), fullPage: true })
  })
})
