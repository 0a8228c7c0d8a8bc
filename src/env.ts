/** Bindings the Worker receives (wrangler.toml, and the workerd config `gateway serve` writes). */
export interface Env {
  THROTTLE?: DurableObjectNamespace<import('./durable/throttle-bucket').ThrottleBucket>
  API_KEYS?: DurableObjectNamespace<import('./durable/api-key-object').ApiKeyObject>
  CONNECTIONS?: DurableObjectNamespace<import('./websocket/connection').ConnectionShard>
  CONTROL?: DurableObjectNamespace
  CACHE?: KVNamespace
  GATEWAY_ADMIN_TOKEN?: string
  /** `rate,burst` or `off`: the gateway-wide default throttle (AWS's 10,000 rps, burst 5,000). */
  GATEWAY_ACCOUNT_THROTTLE?: string
  /** Credentials AWS and AWS_PROXY integrations sign with (and assume `credentials` roles with). */
  AWS_ACCESS_KEY_ID?: string
  AWS_SECRET_ACCESS_KEY?: string
  AWS_SESSION_TOKEN?: string
  /** Workers Analytics Engine dataset: one data point per request (docs/observability.md). */
  GATEWAY_ANALYTICS?: AnalyticsEngineDataset
  /** `off`: no in-process metric aggregation (`/_gateway/metrics` stays empty). */
  GATEWAY_METRICS?: string
  /** An HTTP log sink for the access-log lines of stages that name none (`accessLogSettings.destinationUrl` wins). */
  GATEWAY_ACCESS_LOG_URL?: string
  /** Environment variables named by `x-gateway.apiKeys[].valueFrom`. */
  [name: string]: unknown
}

/**
 * A variable's value when it is set to something: workerd binds an unset `fromEnvironment` name as
 * absent or empty, and either means "not configured".
 * @example variable(env.AWS_SESSION_TOKEN) // undefined when unset or empty
 */
export const variable = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)
