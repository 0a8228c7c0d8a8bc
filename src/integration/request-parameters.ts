import type { Integration } from '../definitions/table'
import type { Invocation } from '../invocation'
import { resolveRequestSource } from './mapping-sources'
import { requestPlan } from './request-plan'

/**
 * Values for the URI's `{name}` placeholders. A client's own path parameter goes in as
 * received (a greedy one keeps its slashes); any other value is percent-encoded, so a
 * mapped header can never add path segments or a query.
 */
export function integrationPathValues(inv: Invocation, integration: Integration, body?: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const { name, source } of requestPlan(integration).paths) {
    const value = resolveRequestSource(source, inv, body)
    if (value === undefined) continue
    values[name] = source.startsWith('method.request.path.') ? value : encodeURIComponent(value)
  }
  return values
}

/** Mapped query parameters as `a=1&b=2`; they are added after those already there (repeats kept, as on AWS). */
export function mappedQuery(inv: Invocation, integration: Integration, body?: string): string {
  let query = ''
  for (const { name, source, multiValue } of requestPlan(integration).queries) {
    const value = resolveRequestSource(source, inv, body)
    if (value === undefined) continue
    const values = multiValue && source.startsWith('method.request.multivalue') ? value.split(',') : [value]
    for (const v of values) query += `${query ? '&' : ''}${encodeURIComponent(name)}=${encodeURIComponent(v)}`
  }
  return query
}
