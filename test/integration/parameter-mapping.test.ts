import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { compileHttpApiPlan, mapIntegrationRequest, mapIntegrationResponse } from '../../src/integration/parameter-mapping'
import { proxyEventV2 } from '../../src/integration/lambda-proxy/event-v2'
import { GatewayError } from '../../src/gateway-responses/error'
import { testInvocation } from './invocation'

const lambda = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations'
const api = compileOrThrow([
  {
    file: 'routes/h.yaml',
    text: `openapi: "3.0.1"
x-amazon-apigateway-importexport-version: "1.0"
x-gateway: { stages: { dev: { variables: { region: eu } } } }
paths:
  /items/{id}:
    post:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        payloadFormatVersion: "1.0"
        uri: https://b.example/items
        requestParameters:
          overwrite:header.x-name: "$request.body.name"
          overwrite:header.x-tail: "$request.body.tail"
          append:header.x-ids: "$request.querystring.id"
          overwrite:header.x-where: "\${stageVariables.region}:\${context.routeKey}:\${request.path}"
          overwrite:path: "$request.header.x-path"
        responseParameters:
          "200":
            overwrite:statuscode: "204"
            overwrite:header.x-kind: "$response.body.kind"
          "500":
            overwrite:statuscode: "$response.header.x-status"
            overwrite:header.x-line: "$response.header.x-raw"
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: "${lambda}", payloadFormatVersion: "2.0" }
`,
  },
]).apis[0]
const method = api.resources[0].methods.POST
const plan = compileHttpApiPlan(method.integration.httpApi!)

const invocation = (body: string, headers: Record<string, string> = {}) =>
  testInvocation(api, '/items/{id}', 'POST', '/items/7?id=1&id=2', { init: { body, headers }, pathParameters: { id: '7' } })

describe('HTTP API request parameter mapping', () => {
  it('reads the body by JSONPath, repeated query values joined, and ${…} combinations', async () => {
    const headers: Record<string, string> = { 'x-ids': '0' }
    const inv = invocation(JSON.stringify({ name: { first: 'ada' } }), { 'x-path': 'v2/items?x=1' })
    const mapped = await mapIntegrationRequest(inv, plan, headers, 'id=1&id=2')
    expect(headers).toEqual({ 'x-ids': '0,1,2', 'x-name': '{"first":"ada"}', 'x-where': 'eu:POST /items/{id}:/items/7' })
    // A mapped path adds no query of its own.
    expect(mapped).toEqual({ query: 'id=1&id=2', path: '/v2/items%3Fx=1' })
  })

  it('applies JSONPaths to the first 100 KB of the body only', async () => {
    const body = `{"name":"ada","pad":"${'x'.repeat(100 * 1024)}","tail":"late"}`
    const headers: Record<string, string> = {}
    await mapIntegrationRequest(invocation(body), plan, headers, '')
    expect(headers['x-name']).toBeUndefined()
    expect(headers['x-tail']).toBeUndefined()
    expect(headers['x-where']).toBe('eu:POST /items/{id}:/items/7')
  })

  it('refuses a mapped path with a dot-segment and a header value with a line break, with 400', async () => {
    const climb = mapIntegrationRequest(invocation('{}', { 'x-path': '/a/%2e%2e/admin' }), plan, {}, '')
    await expect(climb).rejects.toBeInstanceOf(GatewayError)
    await expect(climb).rejects.toMatchObject({ type: 'DEFAULT_4XX' })
    const split = mapIntegrationRequest(invocation('{"name":"a\\r\\nx-evil: 1"}'), plan, {}, '')
    await expect(split).rejects.toMatchObject({ type: 'BAD_REQUEST_PARAMETERS' })
  })
})

describe('HTTP API response parameter mapping', () => {
  const inv = invocation('{}')

  it('maps by the integration status: headers from the body, then the new status (204 without a body)', async () => {
    const out = await mapIntegrationResponse(inv, plan, new Response('{"kind":"pet"}', { status: 200 }))
    expect(out.status).toBe(204)
    expect(out.headers.get('x-kind')).toBe('pet')
    expect(await out.text()).toBe('')
  })

  it('takes a status read at run time only when it is one, and returns other statuses as they are', async () => {
    const bad = await mapIntegrationResponse(inv, plan, new Response('x', { status: 500, headers: { 'x-status': 'teapot', 'x-raw': 'r' } }))
    expect(bad.status).toBe(500)
    expect(bad.headers.get('x-line')).toBe('r')
    const good = await mapIntegrationResponse(inv, plan, new Response('x', { status: 500, headers: { 'x-status': '418' } }))
    expect(good.status).toBe(418)
    expect(await good.text()).toBe('x')
    const untouched = new Response('x', { status: 404 })
    expect(await mapIntegrationResponse(inv, plan, untouched)).toBe(untouched)
  })
})

describe('HTTP API route keys', () => {
  it('names the $default route $default in the 2.0 event and $context', async () => {
    const inv = testInvocation(api, '/$default', 'GET', '/any/where')
    const event = await proxyEventV2(inv, 'Root=1-6b058f01-7e6d486083111c3ba775a81e')
    expect(event.routeKey).toBe('$default')
    expect(event.requestContext.routeKey).toBe('$default')
  })
})
