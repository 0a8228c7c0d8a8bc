import type { Invocation } from '../invocation'
import type { IntegrationPlan } from './plan'
import type { AwsServiceIntegration } from '../definitions/http-api-table'
import { GatewayError } from '../gateway-responses/error'
import { gatewayHeaders } from '../method-response/headers'
import { subtypeNamed } from './aws/subtypes'
import { endpointFor } from './aws/endpoints'
import { credentialsFor } from './aws/credentials'
import { signedFetch } from './aws/sign'
import { awsTraceId } from './aws/trace-id'
import { resolveMappingValues } from './parameter-mapping'

/**
 * An HTTP API's first-class AWS service integration (`integrationSubtype`): the mapped parameters
 * become the service call's JSON input, signed (SigV4) with the gateway's credentials or the
 * integration's role, sent to the service's endpoint (`x-gateway.awsEndpoints` applies); the
 * service's answer, status and body, is the response. A required parameter that resolves to
 * nothing, or a value that cannot be read as the call needs (a number, JSON), is a 400: it came
 * from the client's request.
 * @example const response = await awsService(inv, plan, integration.httpApi.awsService)
 */
export async function awsService(inv: Invocation, plan: IntegrationPlan, service: AwsServiceIntegration): Promise<Response> {
  const subtype = subtypeNamed(service.subtype)!
  const values = await resolveMappingValues(inv, service.parameters)
  let input: unknown
  try {
    for (const name of subtype.required) if (!values[name]) throw new TypeError(`${name} is empty`)
    input = subtype.input(values)
  } catch (e) {
    console.error(`${inv.api.id} ${inv.method!.routeKey}: ${service.subtype} parameters: ${(e as Error).message}`)
    throw new GatewayError('BAD_REQUEST_BODY', { status: 400 })
  }
  const region = values.Region ?? service.region
  const headers = new Headers({
    'content-type': `application/x-amz-json-${subtype.jsonVersion}`,
    'x-amz-target': subtype.target,
    'x-amzn-trace-id': awsTraceId(inv.headers['x-amzn-trace-id'], inv.requestId, inv.startedAt),
    'user-agent': `AmazonAPIGateway_${inv.api.id}`,
  })
  const body = encoder.encode(JSON.stringify(input))
  const credentials = await credentialsFor(inv, region, plan.integration.credentialsRole)
  const request = { url: `${endpointFor(inv.api, inv.env, subtype.service, region)}/`, method: 'POST', headers, body, service: subtype.service, region }
  const { response, bytes } = await signedFetch(request, credentials, plan.integration.timeoutInMillis)
  const out = gatewayHeaders(inv.requestId, inv.extendedRequestId)
  out.set('content-type', response.headers.get('content-type') ?? 'application/json')
  return new Response(bytes, { status: response.status, headers: out })
}

const encoder = new TextEncoder()
