import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startGateway, type RunningGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { routesDir } from './helpers/routes'

/**
 * An integration that cannot be reached answers the client AWS's 504 `Internal server error` and
 * logs why on the server, once per request: refused, reset, and TLS spoken to a plain-HTTP port
 * (all on 127.0.0.1), through http_proxy (streamed) and http (buffered) alike.
 */

let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>
let resetting: TcpServer
let plain: Server
let refusedPort: number

const listen = (server: TcpServer | Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))

beforeAll(async () => {
  // Accepts, then resets the connection without a byte of HTTP.
  resetting = createTcpServer((socket) => socket.resetAndDestroy())
  plain = createServer((_, res) => res.end('plain http'))
  const [resetPort, plainPort] = [await listen(resetting), await listen(plain)]
  refusedPort = await freePort()
  const route = (type: string, uri: string) => `
    get:
      x-amazon-apigateway-integration: { type: ${type}, httpMethod: GET, uri: '${uri}', responses: { default: { statusCode: '200' } } }`
  routes = await routesDir({
    'fail.yaml': `openapi: 3.0.1
info: { title: fail, version: '1' }
paths:
  /refused:${route('http_proxy', `http://127.0.0.1:${refusedPort}/orders?token=secret`)}
  /reset:${route('http_proxy', `http://127.0.0.1:${resetPort}/orders`)}
  /tls:${route('http_proxy', `https://127.0.0.1:${plainPort}/orders`)}
  /buffered-refused:${route('http', `http://127.0.0.1:${refusedPort}/whole`)}
`,
  })
  gateway = await startGateway(routes.dir)
}, 60_000)

afterAll(async () => {
  await gateway?.stop()
  await routes?.remove()
  resetting?.close()
  plain?.close()
})

const failureLines = () => gateway.output().split('\n').filter((l) => l.includes('integration request to'))

describe('an unreachable integration', () => {
  it.each([
    ['refused', '/refused', `http://127.0.0.1:PORT/orders`],
    ['reset', '/reset', 'http://127.0.0.1:'],
    ['spoken to in TLS on a plain-HTTP port', '/tls', 'https://127.0.0.1:'],
    ['refused, for a buffered http integration', '/buffered-refused', 'http://127.0.0.1:PORT/whole'],
  ])('%s: 504 to the client, one log line naming the URL and the cause', async (_, path, url) => {
    const before = failureLines().length
    const res = await rawRequest(gateway.url, { path })
    expect(res.status).toBe(504)
    expect(JSON.parse(res.text)).toEqual({ message: 'Internal server error' })
    // workerd's log reaches serve's output shortly after the response.
    await expect.poll(() => failureLines().length, { timeout: 5000 }).toBeGreaterThan(before)
    const lines = failureLines().slice(before)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`integration request to ${url.replace('PORT', String(refusedPort))}`)
    expect(lines[0]).toMatch(/ failed: \w*Error: \S/)
    expect(lines[0]).not.toContain('secret')
  })
})
