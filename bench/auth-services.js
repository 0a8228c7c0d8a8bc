/**
 * What the authorizer rows of bench/run.js need besides the echo backend, in one node:http
 * server on 127.0.0.1: an OpenID Connect issuer (`/bench/.well-known/openid-configuration` and
 * its JWKS, one RS256 key made with jose) and a Lambda Invoke endpoint whose only function
 * allows every caller (`{"isAuthorized": true}`). Both are hit once per gateway: the JWKS is
 * held warm and the Lambda decision cached, which is what those rows measure.
 *
 * @example
 *   const auth = await startAuthServices()
 *   // auth.url, auth.issuer, auth.token (a Bearer token for audience "bench"), auth.close()
 */
import { createServer } from 'node:http'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'

export async function startAuthServices() {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' }
  const hits = { jwks: 0, lambda: 0 }
  const server = createServer((req, res) => {
    const json = (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (req.url === '/bench/.well-known/openid-configuration') return json({ issuer: `${origin}/bench`, jwks_uri: `${origin}/bench/jwks` })
    if (req.url === '/bench/jwks') return hits.jwks++, json({ keys: [jwk] })
    if (req.method === 'POST' && req.url.startsWith('/2015-03-31/functions/')) {
      hits.lambda++
      req.resume()
      return req.on('end', () => json({ isAuthorized: true, context: { tier: 'bench' } }))
    }
    res.writeHead(404).end()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  const token = await new SignJWT({ sub: 'bench-user', aud: 'bench', scope: 'bench/read' })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .setIssuer(`${origin}/bench`)
    .setIssuedAt()
    .setExpirationTime('6h')
    .sign(privateKey)
  return {
    url: origin,
    issuer: `${origin}/bench`,
    token,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  }
}
