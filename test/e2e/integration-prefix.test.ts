import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from './helpers/http'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { dotSegmentValues, notDotSegments } from '../integration/dot-segments'

/**
 * An integration URI's literal prefix is never left (issue 13, defect 2): every spelling of a
 * dot-segment in a `{proxy+}` value, sent over a real socket through `gateway serve`, either never
 * reaches the backend or reaches it under `/public/` — as the backend itself resolves the path.
 */

const proxyParam = `parameters: [{ name: proxy, in: path, required: true }]`
const mapped = `requestParameters: { integration.request.path.proxy: method.request.path.proxy }`

const rest = (port: number) => `openapi: 3.0.1
info: { title: prefix, version: '1' }
x-gateway:
  apiId: prefix
  stages: { dev: {} }
  awsEndpoints: { default: 'http://127.0.0.1:${port}' }
paths:
  /public/{proxy+}:
    get:
      ${proxyParam}
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/public/{proxy}', ${mapped} }
  /http/{proxy+}:
    get:
      ${proxyParam}
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        { type: http, httpMethod: GET, uri: 'http://127.0.0.1:${port}/public/{proxy}', ${mapped}, responses: { default: { statusCode: '200' } } }
  /aws/{proxy+}:
    get:
      ${proxyParam}
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        { type: aws, httpMethod: GET, uri: 'arn:aws:apigateway:us-east-1:s3:path/public/{proxy}', ${mapped}, responses: { default: { statusCode: '200' } } }
`

const httpApi = (port: number) => `openapi: 3.0.1
info: { title: prefix-http, version: '1' }
x-gateway: { apiId: httpapi, protocolType: HTTP }
paths:
  /public/{proxy+}:
    get:
      ${proxyParam}
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/public/{proxy}', ${mapped}, payloadFormatVersion: '1.0' }
`

const integrations = [
  { name: 'REST http_proxy', path: '/dev/public/' },
  { name: 'REST http', path: '/dev/http/' },
  { name: 'REST aws (S3 path target)', path: '/dev/aws/' },
  { name: 'HTTP API http_proxy', path: '/public/', host: 'httpapi.execute-api.localhost' },
]

let fixture: Fixture

beforeAll(async () => {
  fixture = await serveWithBackend((port) => ({ 'a-prefix.yaml': rest(port), 'b-prefix-http.yaml': httpApi(port) }), {}, {
    AWS_ACCESS_KEY_ID: 'AKIAE2EPREFIX0000001',
    AWS_SECRET_ACCESS_KEY: 'e2e/prefix/secret',
  })
}, 90_000)

afterAll(() => fixture?.stop())

/** Sends one path; returns the status and the path the backend received for it, if any. */
async function probe(path: string, host?: string): Promise<{ status: number; errorType?: string; received?: string; host?: string }> {
  const before = fixture.backend.received.length
  const res = await rawRequest(fixture.gateway.url, { path, headers: host ? { host } : {} })
  const seen = fixture.backend.received.slice(before)
  expect(seen.length, `${path} reached the backend more than once`).toBeLessThanOrEqual(1)
  return { status: res.status, errorType: res.headers['x-amzn-errortype'] as string | undefined, received: seen[0]?.url, host: seen[0]?.headers.host }
}

describe('{proxy+} values never leave the integration URI prefix', () => {
  for (const { name, path, host } of integrations) {
    it(`${name}: every dot-segment spelling is refused with 400 or stays under /public/`, async () => {
      const values = dotSegmentValues()
      const outcomes: string[] = []
      for (const value of values) {
        const r = await probe(`${path}${value}`, host)
        if (r.received !== undefined) {
          // As the backend resolves the path it received: it must still be under the prefix, on the same host.
          const resolved = new URL(r.received, 'http://backend').pathname
          expect(resolved.startsWith('/public/'), `${value} reached ${r.received}`).toBe(true)
          expect(r.host).toBe(`127.0.0.1:${fixture.backend.port}`)
        } else {
          // Refused by the gateway: a client error, never a 5xx of its own.
          expect(r.status, `${value} got ${r.status}`).toBeGreaterThanOrEqual(400)
          expect(r.status, `${value} got ${r.status}`).toBeLessThan(500)
        }
        outcomes.push(`${r.status}${r.received === undefined ? '' : ' forwarded'}`)
      }
      // The refusal is the documented one: AWS's 400 Bad Request.
      expect(outcomes.filter((o) => o === '400').length).toBeGreaterThan(values.length / 2)
    })

    it(`${name}: values whose dots are not whole segments pass as sent`, async () => {
      for (const value of notDotSegments) {
        const r = await probe(`${path}${value}`, host)
        expect(r.status, value).toBe(200)
        expect(r.received, value).toBe(`/public/${value}`)
      }
    })
  }

  it('answers a refused dot-segment with AWS 400 Bad Request and its error type', async () => {
    const res = await rawRequest(fixture.gateway.url, { path: '/dev/public/%2e%2e/keyed' })
    expect(res.status).toBe(400)
    expect(JSON.parse(res.text)).toEqual({ message: 'Bad Request' })
    expect(res.headers['x-amzn-errortype']).toBe('BadRequestException')
  })
})
