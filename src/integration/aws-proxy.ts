import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { checkMappableHeaders } from './request-headers'
import { awsTargetOf } from './aws/target'
import { awsTraceId } from './aws/trace-id'
import { invokeLambda } from './aws/lambda-invoke'
import { proxyEvent } from './lambda-proxy/event'
import { proxyResponse } from './lambda-proxy/response'

/**
 * AWS_PROXY (Lambda proxy, payload format 1.0): the whole request becomes the event, and the
 * function's answer is the response. Parameter mappings, templates and integration responses
 * are ignored, as on AWS; a mapping AWS refuses still fails every call. A function error is 502.
 */
export async function awsProxy(inv: Invocation): Promise<Response> {
  checkMappableHeaders(inv.method!.integration)
  const target = awsTargetOf(inv)
  const traceId = awsTraceId(inv.request.headers.get('x-amzn-trace-id'), inv.requestId, inv.startedAt)
  const event = await proxyEvent(inv, traceId)
  const headers = new Headers({ 'x-amzn-trace-id': traceId, 'x-amzn-apigateway-api-id': inv.api.id })
  const result = await invokeLambda(inv, target, encoder.encode(JSON.stringify(event)), headers)
  if (result.functionError) {
    console.error(`${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: the function failed: ${utf8.decode(result.payload).slice(0, 300)}`)
    throw new GatewayError('INTEGRATION_FAILURE', { status: 502 })
  }
  const response = proxyResponse(inv, utf8.decode(result.payload))
  response.headers.set('x-amzn-trace-id', traceId)
  return response
}

const encoder = new TextEncoder()
const utf8 = new TextDecoder()
