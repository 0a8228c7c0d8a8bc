import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { Browser, Page } from 'playwright-core'

/** Debian's `chromium` package; CHROMIUM_PATH points elsewhere. Never a downloaded browser. */
const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser']

/** The Chromium executable to drive, or undefined when none is installed. */
export const chromiumPath = (): string | undefined => candidates.find((p): p is string => !!p && existsSync(p))

/**
 * Headless Chromium through playwright-core, bounded: launching gives up after 30 s.
 * @example const browser = await launchChromium(chromiumPath()!)
 */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  // Root in CI has no user namespace for Chromium's sandbox; the pages are our own.
  return chromium.launch({ executablePath, headless: true, timeout: 30_000, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}

export interface PageOrigin {
  /** `http://127.0.0.1:PORT`: scheme, host and port are the origin a browser sends. */
  origin: string
  close(): Promise<void>
}

/** A Node server on 127.0.0.1 that serves one blank page, so a browser tab has this origin. */
export async function servePage(title: string): Promise<PageOrigin> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/') return res.writeHead(404).end()
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><html><head><title>${title}</title><style>body{font:14px monospace;margin:16px}td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}table{border-collapse:collapse}</style></head><body><h3>${title}</h3><table id="results"><tr><th>case</th><th>what fetch saw</th></tr></table></body></html>`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** What the page's `fetch` saw: a status, readable headers and body, or the error it threw. */
export type Seen = { status: number; body: string; headers: Record<string, string> } | { error: string }

export interface FetchCall {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
  credentials?: RequestCredentials
}

/**
 * Runs `fetch` inside the page (so the browser applies CORS as for any script) and writes what it
 * saw into the page's table, for the screenshot. Each call gives up after 10 s.
 * @example const seen = await fetchInPage(page, 'simple GET', { url: `${api}/items` })
 */
export async function fetchInPage(page: Page, label: string, call: FetchCall): Promise<Seen> {
  return page.evaluate(
    async ({ label, call }) => {
      let seen: Seen
      try {
        const res = await fetch(call.url, { method: call.method ?? 'GET', headers: call.headers, body: call.body, credentials: call.credentials ?? 'same-origin', signal: AbortSignal.timeout(10_000) })
        const headers: Record<string, string> = {}
        res.headers.forEach((value, name) => (headers[name] = value))
        seen = { status: res.status, body: await res.text(), headers }
      } catch (e) {
        seen = { error: `${(e as Error).name}: ${(e as Error).message}` }
      }
      const row = document.createElement('tr')
      const [what, result] = [document.createElement('td'), document.createElement('td')]
      what.textContent = `${label}: ${call.method ?? 'GET'} ${call.url}`
      result.textContent = 'error' in seen ? seen.error : `${seen.status} ${seen.body}`
      row.append(what, result)
      document.getElementById('results')!.append(row)
      return seen
    },
    { label, call },
  )
}
