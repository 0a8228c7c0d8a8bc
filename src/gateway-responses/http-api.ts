import { catalogue, type ResponseTypeName } from './catalogue'
import type { GatewayError } from './error'
import { httpDate } from '../method-response/headers'

/**
 * HTTP APIs have no gateway responses to configure: each failure has one fixed answer
 * (../shared/spec §11, "Error bodies"). Types not listed answer by class: 500 Internal Server
 * Error, or 400 Bad Request.
 */
const httpApiAnswers: Partial<Record<ResponseTypeName, [number, string]>> = {
  RESOURCE_NOT_FOUND: [404, 'Not Found'],
  THROTTLED: [429, 'Too Many Requests'],
  QUOTA_EXCEEDED: [429, 'Too Many Requests'],
  UNAUTHORIZED: [401, 'Unauthorized'],
  ACCESS_DENIED: [403, 'Forbidden'],
  MISSING_AUTHENTICATION_TOKEN: [403, 'Forbidden'],
  INVALID_API_KEY: [403, 'Forbidden'],
  EXPIRED_TOKEN: [403, 'Forbidden'],
  INVALID_SIGNATURE: [403, 'Forbidden'],
  WAF_FILTERED: [403, 'Forbidden'],
  REQUEST_TOO_LARGE: [413, 'Request Entity Too Large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported Media Type'],
  // AWS's HTTP APIs answer an integration that does not answer in time with 503.
  INTEGRATION_TIMEOUT: [503, 'Service Unavailable'],
}

/**
 * A failure on an HTTP API: AWS's fixed status and `{"message":"…"}` body (no space, unlike
 * REST), `apigw-requestid` in place of REST's ids and no `x-amzn-ErrorType`. Headers a step
 * attached to the error (`www-authenticate`, `retry-after`) are kept.
 * @example renderHttpApiError(new GatewayError('RESOURCE_NOT_FOUND'), requestId) // 404 {"message":"Not Found"}
 */
export function renderHttpApiError(error: GatewayError, requestId: string): Response {
  const [status, message] = httpApiAnswers[error.type] ?? (statusOf(error) >= 500 ? [500, 'Internal Server Error'] : [400, 'Bad Request'])
  const headers = new Headers({ 'content-type': 'application/json', date: httpDate(), 'apigw-requestid': requestId })
  for (const [name, value] of Object.entries(error.options.headers ?? {})) headers.set(name, value)
  return new Response(JSON.stringify({ message }), { status, headers })
}

const statusOf = (error: GatewayError) => error.options.status ?? catalogue[error.type].status

/**
 * A response on an HTTP API carries `apigw-requestid` where REST carries `x-amzn-RequestId` and
 * `x-amz-apigw-id` (../shared/spec §11). The response's headers must be its own (not a fetched
 * response's).
 * @example return withHttpApiHeaders(response, inv.requestId)
 */
export function withHttpApiHeaders(response: Response, requestId: string): Response {
  const headers = response.headers
  headers.delete('x-amzn-requestid')
  headers.delete('x-amz-apigw-id')
  headers.set('apigw-requestid', requestId)
  return response
}
