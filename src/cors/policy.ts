import type { CorsConfiguration } from '../definitions/table'

/** One HTTP API's CORS configuration as the request path reads it: sets and ready header lists. */
export interface CorsPolicy {
  anyOrigin: boolean
  /** Lower-cased: browsers serialise origins in lower case, a definition may not. */
  origins: Set<string>
  anyMethod: boolean
  /** Upper-cased. */
  methods: Set<string>
  anyHeader: boolean
  /** Lower-cased: header names are case-insensitive. */
  headers: Set<string>
  /** What a preflight answer carries besides `Access-Control-Allow-Origin`. */
  preflightHeaders: [string, string][]
  /** What every other answer to an allowed origin carries besides `Access-Control-Allow-Origin`. */
  responseHeaders: [string, string][]
}

// The Fetch standard lets these through whatever Access-Control-Allow-Methods says.
const safelistedMethods = new Set(['GET', 'HEAD', 'POST'])

/**
 * Compiles `x-amazon-apigateway-cors` once. The configured lists are sent as written, `*`
 * included (a browser reads `*` as a wildcard only on requests without credentials, as on AWS).
 * @example
 * const policy = compileCorsPolicy({ allowOrigins: ['https://app.example.com'], allowMethods: ['PUT'], allowHeaders: [], exposeHeaders: [], allowCredentials: true })
 */
export function compileCorsPolicy(c: CorsConfiguration): CorsPolicy {
  const preflightHeaders: [string, string][] = []
  const responseHeaders: [string, string][] = []
  if (c.allowCredentials) {
    preflightHeaders.push(['access-control-allow-credentials', 'true'])
    responseHeaders.push(['access-control-allow-credentials', 'true'])
  }
  if (c.allowMethods.length > 0) preflightHeaders.push(['access-control-allow-methods', c.allowMethods.join(',')])
  if (c.allowHeaders.length > 0) preflightHeaders.push(['access-control-allow-headers', c.allowHeaders.join(',')])
  if (c.maxAge !== undefined) preflightHeaders.push(['access-control-max-age', String(c.maxAge)])
  if (c.exposeHeaders.length > 0) responseHeaders.push(['access-control-expose-headers', c.exposeHeaders.join(',')])
  return {
    anyOrigin: c.allowOrigins.includes('*'),
    origins: new Set(c.allowOrigins.map((o) => o.toLowerCase())),
    anyMethod: c.allowMethods.includes('*'),
    methods: new Set(c.allowMethods.map((m) => m.toUpperCase())),
    anyHeader: c.allowHeaders.includes('*'),
    headers: new Set(c.allowHeaders.map((h) => h.toLowerCase())),
    preflightHeaders,
    responseHeaders,
  }
}

/** The `Access-Control-Allow-Origin` value for this origin: `*`, the origin itself, or none. */
export function allowedOrigin(policy: CorsPolicy, origin: string | undefined | null): string | undefined {
  if (!origin) return undefined
  if (policy.anyOrigin) return '*'
  return policy.origins.has(origin.toLowerCase()) ? origin : undefined
}

/** Whether a preflight's requested method and headers are all configured. */
export function allowsRequest(policy: CorsPolicy, method: string, requestedHeaders: string | undefined): boolean {
  const upper = method.trim().toUpperCase()
  if (!policy.anyMethod && !safelistedMethods.has(upper) && !policy.methods.has(upper)) return false
  if (policy.anyHeader || !requestedHeaders) return true
  return requestedHeaders
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .every((h) => h === '' || policy.headers.has(h))
}
