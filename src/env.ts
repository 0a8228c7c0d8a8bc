/** Bindings the Worker receives (wrangler.toml, and the workerd config `gateway serve` writes). */
export interface Env {
  THROTTLE?: DurableObjectNamespace
  CONNECTIONS?: DurableObjectNamespace
  CONTROL?: DurableObjectNamespace
  CACHE?: KVNamespace
  GATEWAY_ADMIN_TOKEN?: string
}
