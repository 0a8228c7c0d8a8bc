import fc from 'fast-check'
import { expect } from 'vitest'
import type { World } from './world'
import type { Received } from '../helpers/backend'
import { proxyTail } from './paths'
import { publicPrefix, stage } from './api'

/**
 * Invariant (b): no integration request leaves its URI's literal prefix or changes its host.
 * `/public/{proxy+}` (HTTP_PROXY) and `/h/{proxy+}` (HTTP) both send to
 * `http://127.0.0.1:PORT/public/{proxy}`; whatever the `{proxy+}` value, the backend must get
 * a path under `/public/`, and still under it once resolved as a URL parser would (dot
 * segments, `%2e` and `\` included), on its own Host.
 */

/** Where a URL-parsing backend would route a raw request target. */
const resolved = (target: string) => new URL(target, 'http://backend.invalid').pathname

const escapes = (r: Received, host: string) => !r.url.startsWith(publicPrefix) || !resolved(r.url).startsWith(publicPrefix) || r.headers.host !== host

/** @example await holds(staysUnderPrefix(world), { runs: 200, timeLimitMs: 12_000 }) */
export function staysUnderPrefix(world: World) {
  return fc.asyncProperty(fc.constantFrom('public', 'h'), fc.constantFrom('GET', 'POST'), proxyTail, async (resource, method, tail) => {
    const target = `/${stage}/${resource}/${tail}`
    const { reply, reached, probe } = await world.send({ method, target })
    const seen = reached.backend.map((r) => ({ method: r.method, url: r.url, host: r.headers.host }))
    expect(reached.backend.filter((r) => escapes(r, world.backendHost)).map((r) => ({ url: r.url, host: r.headers.host })), `${method} ${target} → ${reply.status}`).toEqual([])
    // The backend is always up: unless the gateway refused the request (a 4xx of its own),
    // the backend must have received it, or the integration request went somewhere else.
    const refused = reply.status >= 400 && reply.status < 500 && reply.headers['x-amzn-errortype'] !== undefined
    if (!refused) expect(reached.backend.filter((r) => r.headers['x-probe'] === probe), `${method} ${target} → ${reply.status}, backend saw ${JSON.stringify(seen)}`).toHaveLength(1)
  })
}
