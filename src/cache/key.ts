import { clientHeader, queryOf, type Invocation } from '../invocation'
import type { MethodCache } from './settings'

const encoder = new TextEncoder()
const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Every entry of a stage starts with this, so a flush can list them. */
export const stagePrefix = (apiId: string, stage: string) => `${apiId}/${stage}/`

/**
 * What identifies a request's entry: the stage prefix, then the verb, the namespace (the
 * resource, unless `cacheNamespace` groups several) and the cache key parameter values. As
 * on AWS, only the listed parameters count: the body, unlisted query strings, headers and
 * path parameters are not part of it. An absent parameter and an empty one differ. Beyond AWS,
 * a method with an authorizer keys by the authorizer's principal too, so one caller's response
 * never reaches another, unless the stage sets `cacheSharedAcrossCallers`.
 * @example cacheIdentity(inv, settings) // 'petstore/dev/["GET","/pets/{id}",[["method.request.path.id","7"]]]'
 */
export function cacheIdentity(inv: Invocation, settings: MethodCache): string {
  const values = settings.keyParameters.map((param) => [param, parameterValue(inv, param)])
  const key: unknown[] = [inv.httpMethod, settings.namespace, values]
  if (inv.authorizer && !settings.sharedAcrossCallers) key.push(inv.authorizer.principal)
  return stagePrefix(inv.api.id, inv.stage.name) + JSON.stringify(key)
}

/**
 * The KV key of an identity: its stage prefix (so a flush can list a stage) and the SHA-256
 * of the whole identity, which keeps keys short whatever the parameter values.
 * @example await kvKeyOf('petstore/dev/…') // "petstore/dev/9f86d08…"
 */
export async function kvKeyOf(identity: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(identity)))
  let out = identity.slice(0, identity.indexOf('/', identity.indexOf('/') + 1) + 1)
  for (const byte of digest) out += hex[byte]
  return out
}

function parameterValue(inv: Invocation, param: string): string | string[] | null {
  const dot = param.indexOf('.', 'method.request.'.length)
  const location = param.slice('method.request.'.length, dot)
  const name = param.slice(dot + 1)
  if (location === 'path') return inv.pathParameters[name] ?? null
  if (location === 'header') return clientHeader(inv, name) ?? null
  // Every value, in order: `?a=1&a=2` is not `?a=2`.
  const all = queryOf(inv).getAll(name)
  return all.length === 0 ? null : all
}
