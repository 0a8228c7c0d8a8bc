import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../src/gateway-responses/error'
import { renderHttpApiError, withHttpApiHeaders } from '../../src/gateway-responses/http-api'

const id = '6f1c3c3e-2c65-4c4e-9d5e-5b0f3a0c2f11'
const render = async (error: GatewayError) => {
  const res = renderHttpApiError(error, id)
  return { status: res.status, body: await res.text(), headers: res.headers }
}

describe('HTTP API error responses', () => {
  it("answers with AWS's fixed HTTP API bodies, without a space after the colon", async () => {
    const cases: [GatewayError, number, string][] = [
      [new GatewayError('RESOURCE_NOT_FOUND'), 404, 'Not Found'],
      [new GatewayError('THROTTLED'), 429, 'Too Many Requests'],
      [new GatewayError('UNAUTHORIZED'), 401, 'Unauthorized'],
      [new GatewayError('ACCESS_DENIED'), 403, 'Forbidden'],
      [new GatewayError('INTEGRATION_TIMEOUT'), 503, 'Service Unavailable'],
      [new GatewayError('INTEGRATION_FAILURE', { status: 502 }), 500, 'Internal Server Error'],
      [new GatewayError('API_CONFIGURATION_ERROR'), 500, 'Internal Server Error'],
      [new GatewayError('REQUEST_TOO_LARGE'), 413, 'Request Entity Too Large'],
      [new GatewayError('BAD_REQUEST_PARAMETERS', { message: 'Invalid header value for x' }), 400, 'Bad Request'],
    ]
    for (const [error, status, message] of cases) {
      const res = await render(error)
      expect([error.type, res.status, res.body]).toEqual([error.type, status, `{"message":"${message}"}`])
    }
  })

  it('carries apigw-requestid and the headers a step attached, and none of REST ids', async () => {
    const res = await render(new GatewayError('UNAUTHORIZED', { headers: { 'www-authenticate': 'Bearer' } }))
    expect(res.headers.get('apigw-requestid')).toBe(id)
    expect(res.headers.get('www-authenticate')).toBe('Bearer')
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.has('x-amzn-errortype')).toBe(false)
    expect(res.headers.has('x-amzn-requestid')).toBe(false)
  })

  it('replaces REST ids on a successful response', () => {
    const res = withHttpApiHeaders(new Response('ok', { headers: { 'x-amzn-RequestId': 'r', 'x-amz-apigw-id': 'e', 'x-kept': '1' } }), id)
    expect([...res.headers.keys()].sort()).toEqual(['apigw-requestid', 'content-type', 'x-kept'])
  })
})
