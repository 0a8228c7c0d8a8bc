import { z } from 'zod'
import type { CorsConfiguration, Protocol } from './table'
import type { Document } from './schema'
import { issueMessage, type Path } from './document'

type Report = (path: Path, message: string) => void

const at = 'x-amazon-apigateway-cors'

/** apigatewayv2's `Cors` object; `maxAge` is -1 to 86400 there. */
const corsSchema = z.looseObject({
  allowOrigins: z.array(z.string().min(1)).optional(),
  allowMethods: z.array(z.string().min(1)).optional(),
  allowHeaders: z.array(z.string().min(1)).optional(),
  exposeHeaders: z.array(z.string().min(1)).optional(),
  maxAge: z.number().int().min(-1).max(86400).optional(),
  allowCredentials: z.boolean().optional(),
})

/**
 * Reads `x-amazon-apigateway-cors` at the document root. AWS refuses `allowCredentials: true`
 * with the origin `*` (browsers never send credentials to a wildcard origin), and so does
 * `validate`. On a REST API the extension means nothing: CORS there is an OPTIONS method
 * and gateway responses (docs/cors.md).
 * @example
 * const cors = compileCors(doc, 'HTTP', report, warn) // { allowOrigins: ['https://app.example.com'], ... }
 */
export function compileCors(doc: Document, protocol: Protocol, report: Report, warn: Report): CorsConfiguration | undefined {
  const raw = (doc as Record<string, unknown>)[at]
  if (raw === undefined) return undefined
  if (protocol !== 'HTTP') {
    warn([at], 'CORS configuration is for HTTP APIs only: ignored (a REST API answers preflights with an OPTIONS method, see docs/cors.md)')
    return undefined
  }
  const parsed = corsSchema.safeParse(raw)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report([at, ...(issue.path as Path)], issueMessage(issue))
    return undefined
  }
  const c = parsed.data
  const allowOrigins = c.allowOrigins ?? []
  if (c.allowCredentials && allowOrigins.includes('*')) {
    report([at, 'allowCredentials'], 'allowCredentials cannot be true while allowOrigins contains "*" (AWS refuses it, and browsers send no credentials to a wildcard origin): list the origins instead')
    return undefined
  }
  allowOrigins.forEach((origin, i) => {
    if (origin !== '*' && !isOrigin(origin)) warn([at, 'allowOrigins', i], `"${origin}" is not an origin (scheme://host[:port], no path or trailing slash), so no browser request matches it`)
  })
  return {
    allowOrigins,
    allowMethods: c.allowMethods ?? [],
    allowHeaders: c.allowHeaders ?? [],
    exposeHeaders: c.exposeHeaders ?? [],
    ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}),
    allowCredentials: c.allowCredentials ?? false,
  }
}

/** What a browser sends as `Origin`: a scheme, a host and maybe a port, nothing after. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value.toLowerCase()
  } catch {
    return false
  }
}
