import type { Integration } from '../definitions/table'
import type { Invocation } from '../invocation'
import { resolveRequestSource } from './mapping-sources'

const pathTarget = /^integration\.request\.path\.(.+)$/
const queryTarget = /^integration\.request\.(multivalue)?querystring\.(.+)$/

/**
 * Values for the URI's `{name}` placeholders. A client's own path parameter goes in as
 * received (a greedy one keeps its slashes); any other value is percent-encoded, so a
 * mapped header can never add path segments or a query.
 */
export function integrationPathValues(inv: Invocation, integration: Integration, body?: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [target, source] of Object.entries(integration.requestParameters)) {
    const name = pathTarget.exec(target)?.[1]
    if (!name) continue
    const value = resolveRequestSource(source, inv, body)
    if (value === undefined) continue
    values[name] = source.startsWith('method.request.path.') ? value : encodeURIComponent(value)
  }
  return values
}

/** Mapped query parameters are added after those already there (repeats are kept, as on AWS). */
export function appendMappedQuery(url: URL, inv: Invocation, integration: Integration, body?: string) {
  for (const [target, source] of Object.entries(integration.requestParameters)) {
    const m = queryTarget.exec(target)
    if (!m) continue
    const value = resolveRequestSource(source, inv, body)
    if (value === undefined) continue
    if (m[1] && source.startsWith('method.request.multivalue')) {
      for (const v of value.split(',')) url.searchParams.append(m[2], v)
    } else url.searchParams.append(m[2], value)
  }
}
