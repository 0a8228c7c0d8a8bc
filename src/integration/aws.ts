import type { Invocation } from '../invocation'
import { contextOf } from '../context'
import { isBinary } from './content-handling'
import { integrationRequest } from './integration-request'
import { integrationResponse, type IntegrationResult } from './integration-response'
import { awsTargetOf } from './aws/target'
import { awsTraceId } from './aws/trace-id'
import { errorMessageOf, invokeLambda } from './aws/lambda-invoke'
import { serviceRequest } from './aws/service-request'
import { credentialsFor } from './aws/credentials'
import { signedFetch } from './aws/sign'
import type { IntegrationPlan } from './plan'
import { bodyText, logMethodResponse } from '../observe/execution-log/lines'

/**
 * AWS (non-proxy): the integration request (template or passthrough, mappings) goes, signed,
 * to Lambda's Invoke API or to an AWS service. For Lambda, selection patterns match the
 * `errorMessage` of a failed invocation and a success always takes the default response;
 * for a service, they match its status code.
 * @example const response = await aws(inv, plan)
 */
export async function aws(inv: Invocation, plan: IntegrationPlan): Promise<Response> {
  const integration = plan.integration
  const req = await integrationRequest(inv, plan)
  const target = awsTargetOf(inv, req.pathValues)
  const traceId = awsTraceId(inv.headers['x-amzn-trace-id'], inv.requestId, inv.startedAt)
  req.headers.set('x-amzn-trace-id', traceId)
  inv.log?.data?.(`Method request body before transformations: ${bodyText(inv.payload ?? '')}`)

  let result: IntegrationResult
  if (target.functionArn !== undefined) {
    const lambda = await invokeLambda(inv, target, req.payload, req.headers)
    const body = utf8.decode(lambda.payload)
    result = {
      selectionValue: lambda.functionError ? errorMessageOf(body) : null,
      body,
      payload: { bytes: lambda.payload, binary: false },
      headers: lambda.headers,
    }
    contextOf(inv).awsEndpointRequestId = lambda.headers.get('x-amzn-requestid')
  } else {
    const request = serviceRequest(inv, target, req)
    const { response: upstream, bytes } = await signedFetch(request, await credentialsFor(inv, target.region, integration.credentialsRole), integration.timeoutInMillis)
    result = {
      selectionValue: String(upstream.status),
      body: utf8.decode(bytes),
      payload: { bytes, binary: isBinary(upstream.headers.get('content-type'), inv.api.binaryMediaTypes) },
      headers: upstream.headers,
    }
    contextOf(inv).awsEndpointRequestId = upstream.headers.get('x-amzn-requestid')
  }
  const response = integrationResponse(inv, plan.responses, result)
  if (inv.log?.data) await logMethodResponse(inv.log, response)
  response.headers.set('x-amzn-trace-id', traceId)
  return response
}

const utf8 = new TextDecoder()
