import type { Throttle } from '../definitions/table'
import type { WebSocketStage } from '../definitions/websocket-table'
import { fullBucket, takeToken, type Bucket } from '../method-request/token-bucket'

/**
 * Message throttling as apigatewayv2 stages set it: a route's own `routeSettings`, else the
 * stage's `defaultRouteSettings`, each route with its own bucket. Kept per shard: a stage's
 * connections are spread evenly over its shards, so each shard takes its share of the rate and
 * burst (at least one message of burst). Buckets live in the object's memory and start full after
 * a wake, as a bucket idle that long would be.
 * @example const admit = createMessageThrottle(); if (!admit('chat', 'prod', settings, 'send', Date.now())) …
 */
export function createMessageThrottle() {
  const buckets = new Map<string, { bucket: Bucket; limit: Throttle }>()
  return function admit(apiId: string, stage: string, settings: WebSocketStage, routeKey: string, now: number): boolean {
    const configured = settings.routeThrottle[routeKey] ?? settings.throttle
    if (!configured) return true
    const key = `${apiId}/${stage}/${routeKey}`
    let held = buckets.get(key)
    if (!held) {
      const shards = settings.connectionShards
      const limit = { rateLimit: configured.rateLimit / shards, burstLimit: Math.max(1, Math.floor(configured.burstLimit / shards)) }
      buckets.set(key, (held = { bucket: fullBucket(limit, now), limit }))
    }
    return takeToken(held.bucket, held.limit, now)
  }
}
