import type { MetricName } from '../observe/metrics'
import type { IntegrationResult } from './integration'
import type { RoutePlan } from './routes'
import type { WebSocketInvocation } from './invocation'
import { recordMetric } from '../observe/metrics'

/**
 * AWS's WebSocket metrics (../shared/spec §10.1) with its dimensions ApiId, Stage and Route (the
 * route key; left out where no route was selected). Recorded in memory through `recordMetric`,
 * never I/O on the message path; the metrics sinks read them from there.
 * @example countWebSocket('ClientError', 'chat', 'prod') // a message no route took
 */
export function countWebSocket(name: MetricName, apiId: string, stage: string, route?: string) {
  recordMetric(name, route === undefined ? { apiId, stage } : { apiId, stage, method: route })
}

/**
 * Runs a route's integration and records what AWS counts of it: IntegrationError when it answers
 * 4XX or 5XX, ExecutionError when calling it fails (unreachable, timed out, bad answer), and
 * IntegrationLatency (not for MOCK, as on AWS).
 * @example const result = await runIntegration(connect, inv)
 */
export async function runIntegration(plan: RoutePlan, inv: WebSocketInvocation): Promise<IntegrationResult> {
  const dimensions = { apiId: inv.api.id, stage: inv.stage.name, method: plan.route.routeKey }
  const started = Date.now()
  try {
    const result = await plan.run(inv)
    inv.integrationStatus = result.status
    if (result.status >= 400) recordMetric('IntegrationError', dimensions)
    return result
  } catch (e) {
    recordMetric('ExecutionError', dimensions)
    throw e
  } finally {
    if (plan.route.integration.type !== 'mock') recordMetric('IntegrationLatency', dimensions, (inv.integrationLatency = Date.now() - started))
  }
}
