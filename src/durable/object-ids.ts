const cache = new WeakMap<object, Map<string, DurableObjectId>>()

/**
 * The stub of a named Durable Object. Ids are plain values, so the isolate keeps them:
 * deriving one hashes the name, work the request path need not repeat.
 * @example objectNamed(env.THROTTLE, `${apiId}/${stage}//pets/GET`).take(limit, Date.now())
 */
export function objectNamed<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, name: string): DurableObjectStub<T> {
  let ids = cache.get(ns)
  if (!ids) cache.set(ns, (ids = new Map()))
  let id = ids.get(name)
  if (!id) {
    if (ids.size >= 10_000) ids.clear()
    ids.set(name, (id = ns.idFromName(name)))
  }
  return ns.get(id)
}
