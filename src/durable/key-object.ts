import type { Env } from '../env'
import { objectNamed } from './object-ids'
import { missingBindingError } from './required-bindings'

/**
 * The object that holds one key's record, buckets and quotas, named by the key value. On the
 * request path (every keyed request), so it lives apart from the control plane's itty-durable module.
 * @example await keyObject(env, 'acme-0123456789abcdefghij').admitTerms(Date.now(), terms)
 */
export function keyObject(env: Env, value: string) {
  if (!env.API_KEYS) throw missingBindingError('API_KEYS')
  return objectNamed(env.API_KEYS, `key:${value}`)
}
