import type { RouteTable } from '../definitions/table'
import { durableObjectBindings } from './workerd-config'
import { missingBindings, refusesWithout, requiredBindings, type RequiredBinding } from '../durable/required-bindings'

/** What the workerd config of `gateway serve` binds: every Durable Object namespace, and the cache's KV. */
export const servedBindings: ReadonlySet<string> = new Set([...Object.keys(durableObjectBindings), 'CACHE'])

/**
 * The start-up check of `gateway serve`: prints a line for each binding the routes need that
 * `bound` lacks, and answers false when one of them would refuse requests (a configured limit that
 * could not be enforced), so serve stops before it listens. A missing cache only warns.
 * @example if (!checkBindings(table)) return 1
 */
export function checkBindings(table: RouteTable, bound: ReadonlySet<string> = servedBindings): boolean {
  const has = (binding: RequiredBinding) => bound.has(binding)
  for (const line of missingBindings(table, has)) console.error(`gateway: ${line}`)
  return [...requiredBindings(table).keys()].every((binding) => has(binding) || !refusesWithout(binding))
}
