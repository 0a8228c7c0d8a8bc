import type { Env } from '../env'
import { secretsEqual } from '../admin/auth'

const bearer = /^Bearer\s+(.+)$/i

/**
 * A gateway credential is used up at the gateway and never passed on: when the request's
 * `Authorization` header carries `GATEWAY_ADMIN_TOKEN` (sent, say, with `Cache-Control:
 * max-age=0` to refresh a cache entry), the header is taken out of the invocation before the method
 * request, so neither an authorizer nor an integration sees it — forwarded headers, mapping sources, `$input.params()`, Lambda proxy events, and a WebSocket
 * API's `$connect` authorizer, integration and stored handshake headers. It carries the token
 * when the whole value, or any of its comma-separated values (a client that repeated the header),
 * is the token bare or after `Bearer ` (any case). Compared in constant time, as the admin API
 * compares. Resolves at once (undefined) when there is nothing to compare.
 * @example
 * const withholding = withholdGatewayCredentials(inv)
 * if (withholding) await withholding
 */
export function withholdGatewayCredentials(inv: { headers: Record<string, string | undefined>; env: Pick<Env, 'GATEWAY_ADMIN_TOKEN'> }): Promise<void> | undefined {
  const authorization = inv.headers.authorization
  const token = inv.env.GATEWAY_ADMIN_TOKEN
  if (authorization === undefined || !token) return undefined
  return carriesToken(authorization, token).then((carries) => {
    if (carries) delete inv.headers.authorization
  })
}

async function carriesToken(header: string, token: string): Promise<boolean> {
  const values = header.includes(',') ? [header, ...header.split(',')] : [header]
  const candidates = new Set(values.map((v) => (bearer.exec(v.trim())?.[1] ?? v).trim()))
  const matches = await Promise.all([...candidates].map((candidate) => secretsEqual(candidate, token)))
  return matches.includes(true)
}
