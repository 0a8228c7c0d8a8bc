import type { MiddlewareHandler } from 'hono'
import type { Env } from '../env'

const encoder = new TextEncoder()

/**
 * Compares two secrets in constant time: both are hashed first, so neither their
 * contents nor their lengths show in the time taken.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ])
  return crypto.subtle.timingSafeEqual(a, b)
}

/** The bearer token of a request, if it has one. */
export const bearerToken = (request: Request) => /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]

/** True when the request carries the admin token (`Authorization: Bearer $GATEWAY_ADMIN_TOKEN`). */
export async function isAdmin(request: Request, env: Env): Promise<boolean> {
  const token = bearerToken(request)
  return !!env.GATEWAY_ADMIN_TOKEN && token !== undefined && (await secretsEqual(token, env.GATEWAY_ADMIN_TOKEN))
}

/**
 * Guards the admin API: 401 without a bearer token, 403 with a wrong one, and 503 when the
 * gateway has no admin token configured (the admin API is then off, never open).
 * @example admin.use('*', requireAdmin())
 */
export function requireAdmin(): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    if (!c.env.GATEWAY_ADMIN_TOKEN) return c.json({ message: 'The admin API is disabled: set GATEWAY_ADMIN_TOKEN' }, 503)
    const token = bearerToken(c.req.raw)
    if (token === undefined) return c.json({ message: 'Unauthorized' }, 401, { 'www-authenticate': 'Bearer' })
    if (!(await secretsEqual(token, c.env.GATEWAY_ADMIN_TOKEN))) return c.json({ message: 'Forbidden' }, 403)
    await next()
  }
}
