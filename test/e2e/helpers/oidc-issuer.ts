import { createServer, type Server } from 'node:http'
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose'

type Alg = 'RS256' | 'ES256'

interface SigningKey {
  kid: string
  alg: Alg
  privateKey: CryptoKey
  publicJwk: JWK
}

/** How the issuer's endpoints misbehave, per tenant: for the JWKS-down, slow and oversized cases. */
export type Fault = 'none' | 'down' | 'slow' | 'oversized'

export interface OidcIssuer {
  /** `http://127.0.0.1:{port}` */
  origin: string
  /** The issuer URL of a tenant (`{origin}/{tenant}`): each tenant has its own keys and faults. */
  issuer(tenant: string): string
  /** Signs a token with the tenant's current key of that algorithm; `iss` defaults to the tenant's issuer, `exp` to an hour. */
  sign(tenant: string, claims: JWTPayload, options?: { alg?: Alg; kid?: string; key?: CryptoKey }): Promise<string>
  /** A new key of that algorithm, published in the tenant's JWKS (the old ones stay until `retire`). */
  rotate(tenant: string, alg?: Alg): Promise<SigningKey>
  /** Drops every key but the newest of each algorithm from the tenant's JWKS. */
  retire(tenant: string): void
  /** The tenant's public key of that algorithm as a JWK (for the HS256-with-the-public-key attack). */
  publicJwk(tenant: string, alg?: Alg): JWK
  fault(tenant: string, fault: Fault): void
  /** Requests served per tenant and path (`discovery`, `jwks`). */
  hits(tenant: string, what: 'discovery' | 'jwks'): number
  close(): Promise<void>
}

/**
 * A local OpenID Connect issuer on 127.0.0.1: per tenant, the discovery document
 * (`/{tenant}/.well-known/openid-configuration`) pointing at its JWKS (`/{tenant}/jwks`), RS256
 * and ES256 signing keys made with jose, key rotation, and faults (down: 503; slow: answers
 * after 3 s; oversized: a JWKS of ~200 KB).
 * @example const idp = await startOidcIssuer(); const token = await idp.sign('a', { aud: 'app' })
 */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  const tenants = new Map<string, { keys: SigningKey[]; fault: Fault; hits: { discovery: number; jwks: number } }>()
  let serial = 0
  const tenantOf = (name: string) => {
    let t = tenants.get(name)
    if (!t) tenants.set(name, (t = { keys: [], fault: 'none', hits: { discovery: 0, jwks: 0 } }))
    return t
  }
  const newKey = async (alg: Alg): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
    const kid = `${alg.toLowerCase()}-${++serial}`
    return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
  }
  const current = async (tenant: string, alg: Alg) => {
    const t = tenantOf(tenant)
    let key = t.keys.findLast((k) => k.alg === alg)
    if (!key) t.keys.push((key = await newKey(alg)))
    return key
  }

  const timers = new Set<NodeJS.Timeout>()
  const server: Server = createServer((req, res) => {
    const m = /^\/([\w-]+)\/(\.well-known\/openid-configuration|jwks)$/.exec(req.url ?? '')
    if (!m) return void res.writeHead(404).end()
    const t = tenantOf(m[1])
    const what = m[2] === 'jwks' ? 'jwks' : 'discovery'
    t.hits[what]++
    if (t.fault === 'down') return void res.writeHead(503).end('down')
    const body =
      what === 'discovery'
        ? JSON.stringify({ issuer: `${origin}/${m[1]}`, jwks_uri: `${origin}/${m[1]}/jwks` })
        : JSON.stringify({ keys: t.keys.map((k) => k.publicJwk), ...(t.fault === 'oversized' ? { padding: 'x'.repeat(200_000) } : {}) })
    const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end(body)
    if (t.fault !== 'slow') return send()
    const timer = setTimeout(() => (timers.delete(timer), send()), 3000)
    timers.add(timer)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`

  return {
    origin,
    issuer: (tenant) => `${origin}/${tenant}`,
    async sign(tenant, claims, options = {}) {
      const alg = options.alg ?? 'RS256'
      const key = await current(tenant, alg)
      const jwt = new SignJWT({ iss: `${origin}/${tenant}`, ...claims }).setProtectedHeader({ alg, kid: options.kid ?? key.kid, typ: 'JWT' })
      if (claims.iat === undefined) jwt.setIssuedAt()
      if (claims.exp === undefined) jwt.setExpirationTime('1h')
      return jwt.sign(options.key ?? key.privateKey)
    },
    async rotate(tenant, alg = 'RS256') {
      const key = await newKey(alg)
      tenantOf(tenant).keys.push(key)
      return key
    },
    retire(tenant) {
      const t = tenantOf(tenant)
      t.keys = t.keys.filter((k) => t.keys.findLast((n) => n.alg === k.alg) === k)
    },
    publicJwk(tenant, alg = 'RS256') {
      const key = tenantOf(tenant).keys.findLast((k) => k.alg === alg)
      if (!key) throw new Error(`tenant ${tenant} has no ${alg} key yet`)
      return key.publicJwk
    },
    fault: (tenant, fault) => void (tenantOf(tenant).fault = fault),
    hits: (tenant, what) => tenantOf(tenant).hits[what],
    async close() {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
