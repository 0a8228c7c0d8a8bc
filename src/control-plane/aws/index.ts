import { Hono } from 'hono'
import type { RouteTable } from '../../definitions/table'
import type { Env } from '../../env'
import { createPlanIndex } from '../../method-request/usage-plans'
import { requireSignedOrAdmin } from './auth'
import { apiKeysOperations } from './api-keys'
import { awsErrorResponse, renderAwsError } from './errors'
import { restApisOperations } from './stages'
import { usagePlansOperations } from './usage-plans'

/**
 * AWS's REST API Gateway management API (restJson, as `@aws-sdk/client-api-gateway` and
 * `aws apigateway` send it) at `/_gateway/aws`: API keys, usage plans and their keys, usage, stages
 * and cache flushes, on the same control-plane object as `/_gateway/admin/`.
 * @example app.route('/_gateway/aws', awsControlApi(table))
 */
export function awsControlApi(table: RouteTable) {
  const aws = new Hono<{ Bindings: Env }>()
  const plans = createPlanIndex(table)
  aws.use('*', requireSignedOrAdmin())
  aws.onError(renderAwsError)
  aws.route('/apikeys', apiKeysOperations(plans))
  aws.route('/usageplans', usagePlansOperations(table, plans))
  aws.route('/restapis', restApisOperations(table))
  // Last, so it answers only what no operation matched (the gateway's own catch-all would forward it).
  aws.all('*', (c) => awsErrorResponse(c, 'UnknownOperationException', `Unknown operation: ${c.req.method} ${new URL(c.req.url).pathname.slice('/_gateway/aws'.length) || '/'}`))
  return aws
}
