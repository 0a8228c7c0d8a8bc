/**
 * Grammar of AWS parameter-mapping expressions (../shared/spec §2.9), checked at build time
 * so a mistyped mapping never reaches run time.
 */

const name = '[A-Za-z0-9._$-]+'

export const integrationRequestTarget = new RegExp(`^integration\\.request\\.(path|querystring|header|multivaluequerystring|multivalueheader)\\.(${name})$`)

const methodRequestSource = new RegExp(`^method\\.request\\.(path|querystring|multivaluequerystring|header|multivalueheader)\\.(${name})$`)
const otherSources = [
  /^method\.request\.body(\..+)?$/,
  new RegExp(`^stageVariables\\.(${name})$`),
  /^context\.[A-Za-z0-9._-]+$/,
  /^'[^']*'$/,
]

export type SourceCheck = { ok: true; methodParam?: { location: string; name: string } } | { ok: false; reason: string }

/** Checks one mapping source such as `method.request.header.X`, `stageVariables.host` or `'static'`. */
export function checkRequestSource(expression: string): SourceCheck {
  const m = methodRequestSource.exec(expression)
  if (m) {
    const location = m[1].replace('multivalue', '')
    return { ok: true, methodParam: { location, name: m[2] } }
  }
  if (otherSources.some((re) => re.test(expression))) return { ok: true }
  return {
    ok: false,
    reason: `"${expression}" is not a mapping expression (method.request.{path|querystring|header}.NAME, method.request.body, stageVariables.NAME, context.NAME or 'static')`,
  }
}
