import type { Invocation } from '../invocation'
import type { RequestPlan } from './request-plan'

/**
 * Values for the URI's `{name}` placeholders. A client's own path parameter goes in as
 * received (a greedy one keeps its slashes); any other value is percent-encoded, so a
 * mapped header can never add path segments or a query. (`fillUri` refuses dot-segments.)
 * @example integrationPathValues(inv, plan) // { proxy: 'a/b' }
 */
export function integrationPathValues(inv: Invocation, plan: RequestPlan, body?: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const { name, source, read } of plan.paths) {
    const value = read(inv, body)
    if (value === undefined) continue
    values[name] = source.startsWith('method.request.path.') ? value : encodeURIComponent(value)
  }
  return values
}

/**
 * Mapped query parameters as `a=1&b=2`; they are added after those already there (repeats kept, as on AWS).
 * @example mappedQuery(inv, plan) // 'mapped=yes'
 */
export function mappedQuery(inv: Invocation, plan: RequestPlan, body?: string): string {
  let query = ''
  for (const { name, source, multiValue, read } of plan.queries) {
    const value = read(inv, body)
    if (value === undefined) continue
    const values = multiValue && source.startsWith('method.request.multivalue') ? value.split(',') : [value]
    for (const v of values) query += `${query ? '&' : ''}${encodeURIComponent(name)}=${encodeURIComponent(v)}`
  }
  return query
}
