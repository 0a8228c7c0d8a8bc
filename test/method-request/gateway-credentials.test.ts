import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { withholdGatewayCredentials } from '../../src/method-request/gateway-credentials'
import { testInvocation } from '../integration/invocation'

const api = compileOrThrow([
  {
    file: 'routes/c.yaml',
    text: `openapi: 3.0.1
x-gateway: { stages: { dev: {} } }
paths:
  /a:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:9/a' }
`,
  },
]).apis[0]

const token = 'the-admin-token'

/** The Authorization header an integration would see after the step. */
async function seen(authorization: string | undefined, adminToken: string | null = token) {
  const inv = testInvocation(api, '/a', 'GET', '/a', { init: { headers: authorization === undefined ? {} : { authorization } } })
  inv.env = adminToken === null ? {} : { GATEWAY_ADMIN_TOKEN: adminToken }
  const withholding = withholdGatewayCredentials(inv)
  if (withholding) await withholding
  return inv.headers.authorization
}

describe('the gateway credential is withheld from integrations', () => {
  it('when Authorization is the admin token, bare or as a Bearer token in any case', async () => {
    for (const value of [`Bearer ${token}`, `bearer ${token}`, `BEARER \t${token}`, token, ` ${token} `]) {
      expect(await seen(value), value).toBeUndefined()
    }
  })

  it('when a client repeated Authorization and one of the values is the token', async () => {
    expect(await seen(`Basic dXNlcjpwYXNz, Bearer ${token}`)).toBeUndefined()
    expect(await seen(`Bearer ${token}, Bearer other`)).toBeUndefined()
  })

  it('and a token holding a comma is still recognised whole', async () => {
    expect(await seen('Bearer a,b', 'a,b')).toBeUndefined()
  })

  it('but leaves any other Authorization alone', async () => {
    for (const value of ['Bearer someone-else', `Bearer ${token}x`, `Basic ${token}`, `Bearer x${token}`]) {
      expect(await seen(value), value).toBe(value)
    }
  })

  it('and compares nothing when the gateway has no admin token or the request no Authorization', async () => {
    expect(await seen(`Bearer ${token}`, null)).toBe(`Bearer ${token}`)
    expect(await seen(`Bearer ${token}`, '')).toBe(`Bearer ${token}`)
    const inv = testInvocation(api, '/a', 'GET', '/a')
    inv.env = { GATEWAY_ADMIN_TOKEN: token }
    expect(withholdGatewayCredentials(inv)).toBeUndefined()
  })
})
