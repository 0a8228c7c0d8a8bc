import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../../src/definitions/compile'
import { createGateway } from '../../../src/app'
import type { Env } from '../../../src/env'

const table = compileOrThrow([{ file: 'routes/a.yaml', text: `openapi: 3.0.1\ninfo: { title: a, version: '1' }\npaths: {}\n` }])
const app = createGateway(table)
const testEnv = { ...(env as Env), GATEWAY_ADMIN_TOKEN: 'dashboard-test-token' } as Env
const get = (path: string) => app.fetch(new Request(`http://gw${path}`), testEnv)

describe('/_gateway/dashboard', () => {
  it('serves the page without the token, locked to its own files and origin', async () => {
    const res = await get('/_gateway/dashboard')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'")
    const html = await res.text()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<script type="module" src="/_gateway/dashboard/main.js"></script>')
    expect(html).toContain('<script src="/_gateway/dashboard/uPlot.min.js"></script>')
  })

  it('serves uPlot and the page scripts bundled into the Worker, each with its content type', async () => {
    const uplot = await get('/_gateway/dashboard/uPlot.min.js')
    expect(uplot.status).toBe(200)
    expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await uplot.text()).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.6\.32\) \*\//)
    const css = await get('/_gateway/dashboard/uPlot.min.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await css.text()).toContain('.uplot')
    // Every module main.js imports (and theirs) is served.
    const pending = ['main.js']
    const seen = new Set<string>()
    while (pending.length) {
      const file = pending.pop()!
      if (seen.has(file)) continue
      seen.add(file)
      const res = await get(`/_gateway/dashboard/${file}`)
      expect(res.status, file).toBe(200)
      for (const [, imported] of (await res.text()).matchAll(/from '\.\/([\w-]+\.js)'/g)) pending.push(imported)
    }
    expect(seen.size).toBeGreaterThan(4)
  })

  it('answers 404 for a file it does not have', async () => {
    for (const path of ['/_gateway/dashboard/nope.js', '/_gateway/dashboard/constructor', '/_gateway/dashboard/__proto__']) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(await res.json()).toEqual({ message: 'Not Found' })
    }
  })
})
