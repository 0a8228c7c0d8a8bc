import type { Invocation } from '../../invocation'
import type { AwsTarget } from '../../definitions/aws-arn'
import type { IntegrationRequest } from '../integration-request'
import type { SignedRequest } from './sign'
import { endpointFor } from './endpoints'
import { jsonProtocolOf, signingNameOf } from './services'

const bodyless = new Set(['GET', 'HEAD'])

/**
 * The request an AWS service integration sends: `path/{path}` goes to that path on the
 * service's endpoint; `action/{Action}` goes to its root, the action named as the service's
 * protocol wants it (services.ts). Mapped query parameters and headers come along.
 * @example
 * serviceRequest(inv, { region: 'us-east-1', service: 'dynamodb', action: 'Query' }, req)
 * // POST https://dynamodb.us-east-1.amazonaws.com/ with X-Amz-Target: DynamoDB_20120810.Query
 */
export function serviceRequest(inv: Invocation, target: AwsTarget, req: IntegrationRequest): SignedRequest {
  const integration = inv.method!.integration
  const method = integration.httpMethod === 'ANY' || !integration.httpMethod ? inv.httpMethod : integration.httpMethod
  const endpoint = endpointFor(inv.api, inv.env, target.service, target.region)
  const headers = req.headers
  let base = `${endpoint}/${target.path ?? ''}`
  let contentType = req.contentType
  if (target.action !== undefined) {
    const json = jsonProtocolOf(target.service)
    if (json) {
      if (!headers.has('x-amz-target')) headers.set('x-amz-target', `${json.targetPrefix}.${target.action}`)
      contentType = `application/x-amz-json-${json.version}`
    } else {
      base += `?Action=${encodeURIComponent(target.action)}`
    }
  }
  const sendBody = !bodyless.has(method)
  if (sendBody && contentType && !headers.has('content-type')) headers.set('content-type', contentType)
  if (!headers.has('user-agent')) headers.set('user-agent', `AmazonAPIGateway_${inv.api.id}`)
  return {
    url: req.url(base),
    method,
    headers,
    body: sendBody ? req.payload : null,
    service: signingNameOf(target.service),
    region: target.region,
  }
}
