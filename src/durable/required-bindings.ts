import type { Method, RouteTable, Stage } from '../definitions/table'
import { stageMethods } from '../definitions/walk'
import { stageLimitOf } from '../definitions/usage-plans'
import { resolveMethodCache } from '../cache/settings'
import { GatewayError } from '../gateway-responses/error'

/**
 * The bindings a route table can need, and what a request gets while one is missing (one policy
 * per kind, docs/configuration.md#bindings). A limit that is configured but cannot be enforced never
 * passes: its methods are refused with 500, even with `throttlingFailOpen`, which is for an object
 * that fails, not for one that was never bound. A cache that cannot store only costs speed: its
 * methods are served uncached, and the Worker says so.
 */
export const bindingPolicy = {
  API_KEYS: { kind: 'Durable Object namespace (class ApiKeyObject)', neededBy: 'methods that require an API key', without: 'refused with 500' },
  THROTTLE: { kind: 'Durable Object namespace (class ThrottleBucket)', neededBy: 'methods with a methodSettings throttle', without: 'refused with 500' },
  CACHE: { kind: 'Workers KV namespace', neededBy: 'cached methods', without: 'served uncached' },
} as const

export type RequiredBinding = keyof typeof bindingPolicy

/** True for the bindings whose absence refuses requests (limits), false for the cache. */
export const refusesWithout = (binding: RequiredBinding) => binding !== 'CACHE'

/**
 * Each binding the table needs, with the first method that needs it.
 * @example requiredBindings(table).get('THROTTLE') // 'GET /items of stage "prod" (routes/shop.yaml)'
 */
export function requiredBindings(table: RouteTable): Map<RequiredBinding, string> {
  const needs = new Map<RequiredBinding, string>()
  for (const { api, stage, method } of stageMethods(table)) {
    for (const binding of bindingsOf(stage, method)) {
      if (!needs.has(binding)) needs.set(binding, `${method.httpMethod} ${method.resourcePath} of stage "${stage.name}" (${api.file})`)
    }
  }
  return needs
}

/** The bindings one method of one stage needs. */
export function bindingsOf(stage: Stage, method: Method): RequiredBinding[] {
  const needs: RequiredBinding[] = []
  if (method.apiKeyRequired) needs.push('API_KEYS')
  if (stageLimitOf(stage, method)) needs.push('THROTTLE')
  if (resolveMethodCache(stage, method)) needs.push('CACHE')
  return needs
}

/**
 * One line per binding the table needs and `has` lacks, saying what its methods get meanwhile:
 * what `gateway serve` and the Worker print at start-up.
 * @example for (const line of missingBindings(table, (name) => name in env)) console.error(line)
 */
export function missingBindings(table: RouteTable, has: (binding: RequiredBinding) => boolean): string[] {
  return [...requiredBindings(table)].filter(([binding]) => !has(binding)).map(([binding, where]) => missingBindingMessage(binding, where))
}

/**
 * Refuses a request whose method needs a binding the Worker lacks: logs a line naming it and
 * returns AWS's 500 (API_CONFIGURATION_ERROR) to throw.
 * @example if (!inv.env.THROTTLE) throw missingBindingError('THROTTLE')
 */
export function missingBindingError(binding: RequiredBinding): GatewayError {
  const message = missingBindingMessage(binding)
  console.error(message)
  return new GatewayError('API_CONFIGURATION_ERROR', { cause: new Error(message) })
}

/** `THROTTLE binding missing: …`, naming the kind of binding, who needs it and what they get. */
export function missingBindingMessage(binding: RequiredBinding, where?: string): string {
  const { kind, neededBy, without } = bindingPolicy[binding]
  const first = where ? ` (first: ${where})` : ''
  return `${binding} binding missing: the Worker has no ${kind} bound as ${binding}, so ${neededBy}${first} are ${without} until it is bound (wrangler.toml; gateway serve binds it)`
}
