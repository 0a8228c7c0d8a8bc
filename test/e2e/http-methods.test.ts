import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { rawRequest } from './helpers/http'

/**
 * Issue 13, defect 6: `ANY` is AWS's seven methods (DELETE, GET, HEAD, OPTIONS, PATCH, POST,
 * PUT). Any other never reaches an integration: REST answers as for an unknown route (403
 * Missing Authentication Token), HTTP APIs 404. Methods workerd does not know at all (a
 * lower-case `get`, an unregistered token) it refuses itself with 501, before the gateway runs.
 */

const greedy = (port: number) => `
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: 'http://127.0.0.1:${port}/{proxy}'
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }`

const definitions = (port: number) => ({
  'rest.yaml': `openapi: 3.0.1
info: { title: rest, version: '1' }
x-gateway: { apiId: rest, stages: { dev: {} } }
paths:${greedy(port)}
`,
  'http.yaml': `openapi: 3.0.1
info: { title: http, version: '1' }
x-gateway: { apiId: http, protocolType: HTTP }
paths:${greedy(port)}
`,
})

/**
 * One request written byte for byte on a socket, for methods workerd refuses (it then closes the
 * connection): Node's HTTP client upper-cases methods, and `get` must arrive as `get`.
 */
function sendRaw(port: number, method: string, path: string, host: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`))
    let answer = ''
    socket.setTimeout(10_000, () => socket.destroy(new Error(`${method} timed out`)))
    socket.on('data', (d) => (answer += d))
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])
      resolve({ status, text: answer.slice(answer.indexOf('\r\n\r\n') + 4) })
    })
    socket.on('error', reject)
  })
}

// Methods workerd passes on (WebDAV, PURGE, QUERY …): the gateway itself must refuse them.
const passedOn = ['TRACE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'PURGE', 'QUERY']
// Methods workerd answers itself.
const unknownToWorkerd = ['get', 'Get', 'post', 'FOO']
const aws = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']

let f: Fixture
beforeAll(async () => {
  f = await serveWithBackend(definitions)
}, 90_000)
afterAll(() => f?.stop())

describe("methods outside AWS's seven", () => {
  const refusals = [
    { api: 'a REST API', host: 'rest.execute-api.localhost', path: '/dev/anything/here', status: 403, message: 'Missing Authentication Token' },
    { api: 'an HTTP API', host: 'http.execute-api.localhost', path: '/anything/here', status: 404, message: 'Not Found' },
  ]
  for (const { api, host, path, status, message } of refusals) {
    it(`get ${status} ${message} from ${api}, the backend never reached`, async () => {
      const reached = f.backend.received.length
      for (const method of passedOn) {
        const res = await rawRequest(f.gateway.url, { method, path, headers: { Host: host } })
        expect(res.status, method).toBe(status)
        expect(JSON.parse(res.text), method).toEqual({ message })
      }
      expect(f.backend.received.length).toBe(reached)
    })
  }

  it("are refused by workerd itself (501) when it does not know them, lower-case 'get' included", async () => {
    const reached = f.backend.received.length
    for (const method of unknownToWorkerd) {
      expect((await sendRaw(f.gateway.port, method, '/dev/anything', 'rest.execute-api.localhost')).status, method).toBe(501)
    }
    expect(f.backend.received.length).toBe(reached)
  })

  it("leaves AWS's seven to ANY, each reaching the backend", async () => {
    for (const method of aws) {
      const reached = f.backend.received.length
      const res = await rawRequest(f.gateway.url, { method, path: '/dev/anything', headers: { Host: 'rest.execute-api.localhost' } })
      expect(res.status, method).toBe(200)
      expect(f.backend.received.length, method).toBe(reached + 1)
      expect(f.backend.received.at(-1)!.method, method).toBe(method)
    }
  })
})
