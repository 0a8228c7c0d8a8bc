/** Must match wrangler.toml, so `wrangler dev`, `wrangler deploy` and `gateway serve` run the same Worker. */
export const compatibilityDate = '2026-04-20'
export const durableObjectClasses = ['ApiKeyObject', 'ThrottleBucket', 'WebSocketConnection', 'ControlPlane'] as const
export const durableObjectBindings: Record<string, (typeof durableObjectClasses)[number]> = {
  API_KEYS: 'ApiKeyObject',
  THROTTLE: 'ThrottleBucket',
  CONNECTIONS: 'WebSocketConnection',
  CONTROL: 'ControlPlane',
}
/** The self-hosted Workers KV service behind the `CACHE` binding (src/cache/self-hosted-kv.ts). */
export const cacheStoreModule = 'kv.js'

/** Secrets and settings read from the environment of `gateway serve`, never written to disk. */
export const environmentBindings = ['GATEWAY_ADMIN_TOKEN', 'GATEWAY_ACCOUNT_THROTTLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'GATEWAY_IAM_CREDENTIALS', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'GATEWAY_METRICS', 'GATEWAY_ACCESS_LOG_URL']

/**
 * The workerd configuration (capnp text) for the self-hosted production bundle.
 * Outbound fetches may reach private and loopback addresses, so backends on 127.0.0.1 work.
 */
export function workerdConfig(options: { address: string; storage: string; environment?: string[] }): string {
  const diskService = `\n    (name = "do-storage", disk = (path = ${JSON.stringify(options.storage)}, writable = true)),`
  const bindings = [
    ...Object.entries(durableObjectBindings).map(([name, cls]) => `(name = "${name}", durableObjectNamespace = "${cls}")`),
    ...[...new Set([...environmentBindings, ...(options.environment ?? [])])].map((name) => `(name = "${name}", fromEnvironment = "${name}")`),
    // Workers KV: plain workerd has no store of its own, so the binding talks to ours.
    `(name = "CACHE", kvNamespace = "cache-kv")`,
  ]
  const namespaces = durableObjectClasses.map((cls) => `(className = "${cls}", uniqueKey = "edge-api-gateway-${cls}", enableSql = true)`)
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "gateway", worker = .gateway),
    (name = "network", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),${diskService}
    (name = "cache-kv", worker = .cacheKv),
  ],
  sockets = [ (name = "http", address = ${JSON.stringify(options.address)}, http = (), service = "gateway") ],
);

const gateway :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${compatibilityDate}",
  bindings = [
    ${bindings.join(',\n    ')}
  ],
  durableObjectNamespaces = [
    ${namespaces.join(',\n    ')}
  ],
  durableObjectStorage = (localDisk = "do-storage"),
  globalOutbound = "network",
);

const cacheKv :Workerd.Worker = (
  modules = [ (name = "${cacheStoreModule}", esModule = embed "${cacheStoreModule}") ],
  compatibilityDate = "${compatibilityDate}",
  bindings = [ (name = "STORE", durableObjectNamespace = "KvStore") ],
  durableObjectNamespaces = [ (className = "KvStore", uniqueKey = "edge-api-gateway-cache-kv", enableSql = true) ],
  durableObjectStorage = (localDisk = "do-storage"),
);
`
}
