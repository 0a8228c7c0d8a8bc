import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, base64url, generateKeyPair } from 'jose'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { rawRequest, type RawResponse } from './helpers/http'
import { startOidcIssuer, type OidcIssuer } from './helpers/oidc-issuer'
import { startAwsServices } from './conformance/aws-services'

/**
 * HTTP API JWT authorizers over real sockets (../shared/spec §5.10): `gateway serve` verifies
 * tokens from a local OpenID Connect issuer (discovery + JWKS on 127.0.0.1, RS256 and ES256,
 * rotating keys) before a real backend or the Lambda stand-in sees the request.
 */

const own = { accessKeyId: 'AKIAE2EJWTAUTHORIZER', secretAccessKey: 'e2e/jwt/secret/0123456789' }
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`

const scheme = (issuer: string, audience = '[app-1, app-2]') => `
      type: oauth2
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration: { issuer: '${issuer}', audience: ${audience} }`

const api = (idp: OidcIssuer, backend: string, services: string) => `openapi: 3.0.1
info: { title: jwtapi, version: '1' }
x-gateway:
  apiId: jwtapi
  protocolType: HTTP
  stages: { dev: {} }
  awsEndpoints: { lambda: '${services}' }
components:
  securitySchemes:
    main:${scheme(idp.issuer('main'))}
    rotating:${scheme(idp.issuer('rot'))}
    flaky:${scheme(idp.issuer('flaky'))}
paths:
  /open:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/open', payloadFormatVersion: '1.0' }
  /private:
    get:
      security: [{ main: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/private', payloadFormatVersion: '1.0' }
  /scoped:
    get:
      security: [{ main: [pets/read, pets/admin] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/scoped', payloadFormatVersion: '1.0' }
  /claims:
    get:
      security: [{ main: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}', payloadFormatVersion: '2.0' }
  /claims-v1:
    get:
      security: [{ main: [] }]
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}', payloadFormatVersion: '1.0' }
  /rotating:
    get:
      security: [{ rotating: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/rotating', payloadFormatVersion: '1.0' }
  /flaky:
    get:
      security: [{ flaky: [] }]
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: '${backend}/flaky', payloadFormatVersion: '1.0' }
`

let idp: OidcIssuer
let served: Fixture
let services: Awaited<ReturnType<typeof startAwsServices>>

beforeAll(async () => {
  idp = await startOidcIssuer()
  for (const tenant of ['main', 'rot', 'flaky']) {
    await idp.rotate(tenant, 'RS256')
    await idp.rotate(tenant, 'ES256')
  }
  services = await startAwsServices({
    keys: new Map([[own.accessKeyId, own]]),
    functions: { echo: (event) => ({ statusCode: 200, body: JSON.stringify(event) }) },
  })
  served = await serveWithBackend((port) => ({ 'jwtapi.yaml': api(idp, `http://127.0.0.1:${port}`, services.url) }), {}, { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey })
}, 90_000)

afterAll(async () => {
  await served?.stop()
  await services?.stop()
  await idp?.close()
})

const get = (path: string, authorization?: string) => rawRequest(served.gateway.url, { path: `/dev${path}`, headers: authorization === undefined ? {} : { Authorization: authorization } })
const reached = (path: string) => served.backend.received.filter((r) => r.url === path).length
const now = () => Math.floor(Date.now() / 1000)

function expectUnauthorized(res: RawResponse, description?: string) {
  expect(res.status).toBe(401)
  expect(JSON.parse(res.text)).toEqual({ message: 'Unauthorized' })
  expect(res.headers['www-authenticate']).toMatch(/^Bearer scope="" error="invalid_token" error_description="[^"]+"$/)
  if (description) expect(res.headers['www-authenticate']).toContain(`error_description="${description}"`)
}

describe('JWT authorizer: valid tokens', () => {
  it('passes an RS256 token with or without "Bearer " and an ES256 token', async () => {
    const before = reached('/private')
    const rs = await idp.sign('main', { sub: 'u1', aud: 'app-1' })
    const es = await idp.sign('main', { sub: 'u2', aud: 'app-2' }, { alg: 'ES256' })
    for (const authorization of [`Bearer ${rs}`, rs, `Bearer ${es}`]) {
      const res = await get('/private', authorization)
      expect(res.status, res.text).toBe(200)
    }
    expect(reached('/private')).toBe(before + 3)
  })

  it('accepts client_id when the token has no aud, and judges aud alone when both are there', async () => {
    expect((await get('/private', `Bearer ${await idp.sign('main', { sub: 'u1', client_id: 'app-2' })}`)).status).toBe(200)
    expectUnauthorized(await get('/private', `Bearer ${await idp.sign('main', { sub: 'u1', aud: 'other', client_id: 'app-1' })}`), 'the token does not have a valid audience')
    expect((await get('/private', `Bearer ${await idp.sign('main', { sub: 'u1', aud: ['other', 'app-1'] })}`)).status).toBe(200)
  })

  it('gives the claims and scopes to the 2.0 event as requestContext.authorizer.jwt, claims as strings', async () => {
    const token = await idp.sign('main', { sub: 'u7', aud: 'app-1', scope: 'pets/read pets/write', groups: ['a', 'b'], level: 3 })
    const res = await get('/claims', `Bearer ${token}`)
    expect(res.status, res.text).toBe(200)
    const jwt = JSON.parse(res.text).requestContext.authorizer.jwt
    expect(jwt.scopes).toEqual(['pets/read', 'pets/write'])
    expect(jwt.claims).toMatchObject({ sub: 'u7', aud: 'app-1', iss: idp.issuer('main'), groups: '[a b]', level: '3' })
    expect(jwt.claims.exp).toMatch(/^\d+$/)
  })

  it('gives the claims to the 1.0 event as requestContext.authorizer.claims', async () => {
    const res = await get('/claims-v1', `Bearer ${await idp.sign('main', { sub: 'u8', aud: 'app-1' })}`)
    expect(res.status, res.text).toBe(200)
    const authorizer = JSON.parse(res.text).requestContext.authorizer
    expect(authorizer.claims).toMatchObject({ sub: 'u8', aud: 'app-1' })
    expect(authorizer.scopes).toBeNull()
  })
})

describe('JWT authorizer: scopes', () => {
  it('passes a token holding one of the route scopes, in scope or scp', async () => {
    expect((await get('/scoped', `Bearer ${await idp.sign('main', { sub: 'u1', aud: 'app-1', scope: 'other pets/read' })}`)).status).toBe(200)
    expect((await get('/scoped', `Bearer ${await idp.sign('main', { sub: 'u1', aud: 'app-1', scp: ['pets/admin'] })}`)).status).toBe(200)
  })

  it('answers 403 Forbidden to a valid token without them, never reaching the backend', async () => {
    const before = reached('/scoped')
    for (const claims of [{ scope: 'pets/write' }, {}]) {
      const res = await get('/scoped', `Bearer ${await idp.sign('main', { sub: 'u1', aud: 'app-1', ...claims })}`)
      expect(res.status).toBe(403)
      expect(JSON.parse(res.text)).toEqual({ message: 'Forbidden' })
      expect(res.headers['www-authenticate']).toBe('Bearer scope="pets/read pets/admin" error="insufficient_scope" error_description="the token does not have the scopes this route requires"')
    }
    expect(reached('/scoped')).toBe(before)
  })
})

describe('JWT authorizer: the attack set, all 401 and none reaching the integration', () => {
  it('refuses a missing or empty token', async () => {
    const before = reached('/private')
    expectUnauthorized(await get('/private'))
    expectUnauthorized(await get('/private', ''))
    expectUnauthorized(await get('/private', 'Bearer '))
    expect(reached('/private')).toBe(before)
  })

  it('refuses alg none, HS256 signed with the public key, an unknown kid, another key under a known kid, wrong iss and aud', async () => {
    const before = reached('/private')
    const good = { sub: 'admin', aud: 'app-1' }
    const rsa = idp.publicJwk('main', 'RS256')
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', kid: rsa.kid, typ: 'JWT' }))}.${base64url.encode(JSON.stringify({ ...good, iss: idp.issuer('main'), exp: now() + 600 }))}.`
    const hmac = await new SignJWT({ ...good, iss: idp.issuer('main') })
      .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(rsa)))
    const stranger = (await generateKeyPair('RS256')).privateKey
    const attacks = [
      unsigned,
      hmac,
      await idp.sign('main', good, { kid: 'no-such-kid', key: stranger }),
      await idp.sign('main', good, { key: stranger }),
      await idp.sign('main', { ...good, iss: idp.issuer('elsewhere') }),
      await idp.sign('main', { ...good, aud: 'someone-else' }),
    ]
    for (const token of attacks) expectUnauthorized(await get('/private', `Bearer ${token}`))
    expect(reached('/private')).toBe(before)
  })

  it('refuses expired, not-yet-valid, issued-in-the-future, tampered and oversized tokens', async () => {
    const before = reached('/private')
    const good = { sub: 'u1', aud: 'app-1' }
    const valid = await idp.sign('main', good)
    const [header, , signature] = valid.split('.')
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...good, sub: 'admin', iss: idp.issuer('main'), exp: now() + 600 }))}.${signature}`
    const cases: [string, string][] = [
      [await idp.sign('main', { ...good, exp: now() - 60, iat: now() - 120 }), 'the token has expired'],
      [await idp.sign('main', { ...good, nbf: now() + 3600 }), 'the token is not valid yet'],
      [await idp.sign('main', { ...good, iat: now() + 3600 }), 'the token was issued in the future'],
      [tampered, 'the token signature is invalid'],
      // Signed and otherwise valid: only its size refuses it (and it fits AWS's 10 KB of headers).
      [await idp.sign('main', { ...good, padding: 'x'.repeat(6000) }), 'the token is too large'],
    ]
    for (const [token, description] of cases) expectUnauthorized(await get('/private', `Bearer ${token}`), description)
    expect(reached('/private')).toBe(before)
  })
})

describe('JWT authorizer: signing keys', () => {
  it('follows a key rotation with one refetch, and refetches for unknown kids at most once per cooldown', async () => {
    expect((await get('/rotating', `Bearer ${await idp.sign('rot', { sub: 'u1', aud: 'app-1' })}`)).status).toBe(200)
    const fetched = idp.hits('rot', 'jwks')
    await idp.rotate('rot', 'RS256')
    idp.retire('rot')
    const res = await get('/rotating', `Bearer ${await idp.sign('rot', { sub: 'u1', aud: 'app-1' })}`)
    expect(res.status, res.text).toBe(200)
    expect(idp.hits('rot', 'jwks')).toBe(fetched + 1)
    // A flood of made-up kids costs the issuer nothing more within the cooldown.
    const stranger = (await generateKeyPair('RS256')).privateKey
    for (let i = 0; i < 3; i++) expectUnauthorized(await get('/rotating', `Bearer ${await idp.sign('rot', { sub: 'u1', aud: 'app-1' }, { kid: `made-up-${i}`, key: stranger })}`))
    expect(idp.hits('rot', 'jwks')).toBe(fetched + 1)
  })

  it('fails closed with 500 while the JWKS endpoint is down, slow or oversized, and recovers when it is back', async () => {
    const token = await idp.sign('flaky', { sub: 'u1', aud: 'app-1' })
    const before = reached('/flaky')
    for (const fault of ['down', 'slow', 'oversized'] as const) {
      idp.fault('flaky', fault)
      const started = Date.now()
      const res = await get('/flaky', `Bearer ${token}`)
      expect(res.status, `${fault}: ${res.text}`).toBe(500)
      expect(JSON.parse(res.text)).toEqual({ message: 'Internal Server Error' })
      // Discovery and JWKS are bounded at 1.5 s each; generous, against a 3 s stall.
      if (fault === 'slow') expect(Date.now() - started).toBeLessThan(4500)
    }
    expect(reached('/flaky')).toBe(before)
    idp.fault('flaky', 'none')
    expect((await get('/flaky', `Bearer ${token}`)).status).toBe(200)
    expect(reached('/flaky')).toBe(before + 1)
  })

  it('holds a token it verified before to its exp: 200 while valid, 401 once expired', async () => {
    const token = await idp.sign('main', { sub: 'u1', aud: 'app-1', exp: now() + 2 })
    expect((await get('/private', `Bearer ${token}`)).status).toBe(200)
    expect((await get('/private', `Bearer ${token}`)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 3000))
    expectUnauthorized(await get('/private', `Bearer ${token}`), 'the token has expired')
  })

  it('leaves routes without an authorizer alone', async () => {
    expect((await get('/open')).status).toBe(200)
  })
})
