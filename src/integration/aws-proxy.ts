import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { checkMappableHeaders } from './request-headers'
import { awsTargetOf } from './aws/target'
import { awsTraceId } from './aws/trace-id'
import { invokeLambda } from './aws/lambda-invoke'
import { proxyEvent } from './lambda-proxy/event'
import { proxyResponse } from './lambda-proxy/response'
import { proxyEventV2 } from './lambda-proxy/event-v2'
import type { IntegrationPlan } from './plan'
import { httpApiFailure, proxyResponseV2 } from './lambda-proxy/response-v2'
import { bodyText } from '../observe/execution-log/lines'

/**
 * AWS_PROXY (Lambda proxy): the whole request becomes the event, and the function's answer is
 * the response. Parameter mappings, templates and integration responses are ignored, as on AWS;
 * a mapping AWS refuses still fails every call. REST APIs use payload format 1.0 (a function
 * error is a 502); HTTP APIs may choose 2.0 (a function error is a 500, a timeout a 503).
 * @example const response = await awsProxy(inv, plan)
 */
export async function awsProxy(inv: Invocation, plan: IntegrationPlan): Promise<Response> {
  const integration = plan.integration
  checkMappableHeaders(plan)
  const v2 = inv.api.protocol === 'HTTP' && integration.payloadFormatVersion === '2.0'
  const target = awsTargetOf(inv)
  const traceId = awsTraceId(inv.headers['x-amzn-trace-id'], inv.requestId, inv.startedAt)
  const event = v2 ? await proxyEventV2(inv, traceId) : await proxyEvent(inv, traceId)
  const headers = new Headers({ 'x-amzn-trace-id': traceId, 'x-amzn-apigateway-api-id': inv.api.id })
  let result
  try {
    result = await invokeLambda(inv, target, encoder.encode(JSON.stringify(event)), headers)
  } catch (e) {
    if (v2 && e instanceof GatewayError && e.type === 'INTEGRATION_TIMEOUT') {
      throw new GatewayError('INTEGRATION_TIMEOUT', { status: 503, message: 'Service Unavailable', cause: e })
    }
    throw e
  }
  if (result.functionError) {
    const why = `the function failed: ${utf8.decode(result.payload).slice(0, 300)}`
    if (v2) throw httpApiFailure(why)
    console.error(`${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: ${why}`)
    if (inv.log) inv.log.failed = `Lambda execution failed with status ${result.status} due to customer function error: ${bodyText(result.payload)}`
    throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  }
  const payload = utf8.decode(result.payload)
  const response = v2 ? proxyResponseV2(inv, payload) : proxyResponse(inv, payload)
  response.headers.set('x-amzn-trace-id', traceId)
  return response
}

const encoder = new TextEncoder()
const utf8 = new TextDecoder()
