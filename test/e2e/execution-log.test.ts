import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startGateway, type RunningGateway } from './helpers/gateway'
import { startBackend, type Backend } from './helpers/backend'
import { routesDir } from './helpers/routes'
import { LambdaError, startAwsServices } from './conformance/aws-services'

/**
 * Execution logs (`methodSettings.loggingLevel`, `dataTraceEnabled`) in `gateway serve`'s stdout:
 * INFO follows a mapped HTTP integration and a Lambda authorizer step by step, data trace adds
 * the template's input and output, ERROR writes only the failures, OFF nothing; credentials are
 * masked throughout.
 */

const own = { accessKeyId: 'AKIAE2EEXECLOG000001', secretAccessKey: 'e2e/execution-log/secret/0123456' }
const authorizerArn = 'arn:aws:lambda:us-east-1:123456789012:function:exec-auth'
const functionArn = 'arn:aws:lambda:us-east-1:123456789012:function:exec-fn'
const invokeUri = (services: string, arn: string) => `${services}/2015-03-31/functions/${encodeURIComponent(arn)}/invocations`
const token = 'Bearer allow-secret-token-zyxw'
const apiKeyValue = 'execlog-api-key-value-0123456789'

const api = (backend: number, services: string, closed: number) => `openapi: 3.0.1
info: { title: execlog, version: '1' }
x-gateway:
  apiId: execlog
  awsEndpoints: { lambda: '${services}' }
  stages:
    info:
      methodSettings:
        '*/*': { loggingLevel: INFO }
        '/items/{id}/POST': { dataTraceEnabled: true }
    errors:
      methodSettings: { '*/*': { loggingLevel: error } }
    off: {}
components:
  securitySchemes:
    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${authorizerArn}/invocations'
        authorizerResultTtlInSeconds: 0
paths:
  /items/{id}:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: 'http://127.0.0.1:${backend}/items/{id}'
        requestParameters: { integration.request.path.id: method.request.path.id }
        requestTemplates:
          application/json: '{"name": "$input.path(''$.name'')", "id": "$input.params(''id'')"}'
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '{"sent": $input.json(''$.body'')}'
  /plain:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${backend}/plain' }
  /broken:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${closed}/gone' }
  /lambda:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${functionArn}/invocations' }
  /guarded:
    get:
      security: [{ tok: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"principal": "$context.authorizer.principalId"}' } } }
`

let gateway: RunningGateway
let backend: Backend
let services: Awaited<ReturnType<typeof startAwsServices>>
let routes: Awaited<ReturnType<typeof routesDir>>
let closedPort: number

beforeAll(async () => {
  backend = await startBackend()
  closedPort = await freePort()
  services = await startAwsServices({
    functions: {
      'exec-auth': (event) => {
        const t = String(event.authorizationToken)
        const policy = (effect: string) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: '*' }] })
        if (t.startsWith('Bearer allow')) return { principalId: 'user-7', policyDocument: policy('Allow'), context: { tier: 'gold' } }
        if (t.startsWith('Bearer deny')) return { principalId: 'user-8', policyDocument: policy('Deny') }
        throw new LambdaError('boom')
      },
      'exec-fn': (event) => {
        if (event.queryStringParameters?.fail) throw new LambdaError('kaput')
        return { statusCode: 200, body: 'fine' }
      },
    },
    keys: new Map([[own.accessKeyId, own]]),
  })
  routes = await routesDir({ 'execlog.yaml': api(backend.port, services.url, closedPort) })
  gateway = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey } })
}, 90_000)

afterAll(async () => {
  await gateway?.stop()
  await services?.stop()
  await backend?.close()
  await routes?.remove()
})

interface Sent {
  status: number
  requestId: string
  extendedRequestId: string
  body: string
}

async function send(path: string, init: RequestInit = {}): Promise<Sent> {
  const res = await fetch(`${gateway.url}${path}`, { ...init, signal: AbortSignal.timeout(15_000) })
  return { status: res.status, requestId: res.headers.get('x-amzn-requestid')!, extendedRequestId: res.headers.get('x-amz-apigw-id')!, body: await res.text() }
}

/** The execution-log messages of one request, without the `(requestId) ` prefix. */
const messagesOf = (requestId: string) =>
  gateway
    .output()
    .split('\n')
    .filter((l) => l.startsWith(`(${requestId}) `))
    .map((l) => l.slice(requestId.length + 3))

/** Waits for a request's closing line. */
async function closed(requestId: string, last = 'Method completed with status:'): Promise<string[]> {
  const deadline = Date.now() + 15_000
  while (!messagesOf(requestId).some((m) => m.startsWith(last)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  return messagesOf(requestId)
}

/** Every line written before a later INFO request's lines is out: a marker to wait for before asserting absence. */
async function flushed() {
  await closed((await send('/info/plain')).requestId)
}

describe('execution logs at INFO', () => {
  it('follow a mapped HTTP integration: parameters, endpoint URI, status, and with data trace the template input and output', async () => {
    const sent = await send('/info/items/7?q=cats', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token, 'x-api-key': apiKeyValue },
      body: '{"name":"Rex"}',
    })
    expect(sent.status).toBe(200)
    const lines = await closed(sent.requestId)
    const url = `http://127.0.0.1:${backend.port}/items/7`
    const expected = [
      `Extended Request Id: ${sent.extendedRequestId}`,
      `Starting execution for request: ${sent.requestId}`,
      'HTTP Method: POST, Resource Path: /items/7',
      'Method request path: {id=7}',
      'Method request query string: {q=cats}',
      expect.stringMatching(/^Method request headers: \{.*authorization=\*\*\*\*zyxw.*x-api-key=\*\*\*\*6789.*\}$/),
      `API Key  authorized because method 'POST /items/{id}' does not require API Key. Request will not contribute to throttle or quota limits`,
      'Method request body before transformations: {"name":"Rex"}',
      `Endpoint request URI: ${url}`,
      expect.stringMatching(/^Endpoint request headers: \{.*\}$/),
      'Endpoint request body after transformations: {"name": "Rex", "id": "7"}',
      `Sending request to ${url}`,
      expect.stringMatching(/^Received response\. Status: 200, Integration latency: \d+ ms$/),
      expect.stringMatching(/^Endpoint response headers: \{.*\}$/),
      expect.stringMatching(/^Endpoint response body before transformations: \{"method":"POST","url":"\/items\/7",.*"body":"\{\\"name\\": \\"Rex\\", \\"id\\": \\"7\\"\}"\}$/),
      'Method response body after transformations: {"sent": "{\\"name\\": \\"Rex\\", \\"id\\": \\"7\\"}"}',
      expect.stringMatching(/^Method response headers: \{.*\}$/),
      'Successfully completed execution',
      'Method completed with status: 200',
    ]
    expect(lines).toEqual(expected)
    // Credentials never appear whole, anywhere in the output.
    expect(gateway.output()).not.toContain('allow-secret-token-zyxw')
    expect(gateway.output()).not.toContain(apiKeyValue)
  })

  it('follow a Lambda proxy integration to the Invoke API', async () => {
    const sent = await send('/info/lambda')
    expect(sent).toMatchObject({ status: 200, body: 'fine' })
    const lines = await closed(sent.requestId)
    const uri = invokeUri(services.url, functionArn)
    expect(lines.slice(-5)).toEqual([
      `Endpoint request URI: ${uri}`,
      `Sending request to ${uri}`,
      expect.stringMatching(/^Received response\. Status: 200, Integration latency: \d+ ms$/),
      'Successfully completed execution',
      'Method completed with status: 200',
    ])
  })

  it('without dataTraceEnabled: the steps, no headers or bodies', async () => {
    const sent = await send('/info/plain', { headers: { authorization: token } })
    expect(sent.status).toBe(200)
    const lines = await closed(sent.requestId)
    expect(lines).toContain(`Endpoint request URI: http://127.0.0.1:${backend.port}/plain`)
    expect(lines).toContain('Method completed with status: 200')
    expect(lines.filter((l) => /headers:|body/.test(l))).toEqual([])
  })

  it('follow a Lambda authorizer: identity masked, the function, the principal, the decision', async () => {
    const allowed = await send('/info/guarded', { headers: { authorization: token } })
    expect(allowed.status).toBe(200)
    const lines = await closed(allowed.requestId)
    const authorizer = lines.slice(lines.indexOf(`Starting authorizer: tok for request: ${allowed.requestId}`))
    expect(authorizer.slice(0, 8)).toEqual([
      `Starting authorizer: tok for request: ${allowed.requestId}`,
      'Incoming identity: ****zyxw',
      `Invoking authorizer function ${authorizerArn}`,
      `Endpoint request URI: ${invokeUri(services.url, authorizerArn)}`,
      `Sending request to ${invokeUri(services.url, authorizerArn)}`,
      expect.stringMatching(/^Received response\. Status: 200, Integration latency: \d+ ms$/),
      'Using valid authorizer policy for principal: user-7',
      'Successfully completed authorizer execution',
    ])
    expect(lines.at(-1)).toBe('Method completed with status: 200')

    const denied = await send('/info/guarded', { headers: { authorization: 'Bearer deny-this-caller-0000' } })
    expect(denied.status).toBe(403)
    expect((await closed(denied.requestId)).slice(-4)).toEqual([
      'Using valid authorizer policy for principal: user-8',
      'The policy explicitly denies execute-api:Invoke on arn:aws:execute-api:local:000000000000:execlog/info/GET/guarded',
      'Gateway response type: ACCESS_DENIED with status code: 403',
      'Method completed with status: 403',
    ])

    const failing = await send('/info/guarded', { headers: { authorization: 'Bearer explode' } })
    expect(failing.status).toBe(500)
    const failed = await closed(failing.requestId)
    expect(failed.slice(-4)).toEqual([
      expect.stringMatching(/^Authorizer error: the function failed: .*boom/),
      'Execution failed due to configuration error: Authorizer error',
      'Gateway response type: AUTHORIZER_FAILURE with status code: 500',
      'Method completed with status: 500',
    ])
  })
})

describe('execution logs at ERROR and OFF', () => {
  it('ERROR writes a failed request\'s errors only, and nothing for one that succeeds', async () => {
    const ok = await send('/errors/items/7', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Rex"}' })
    const broken = await send('/errors/broken')
    const failing = await send('/errors/guarded', { headers: { authorization: 'Bearer explode' } })
    const lambda = await send('/errors/lambda?fail=1')
    expect([ok.status, broken.status, failing.status, lambda.status]).toEqual([200, 504, 500, 502])
    expect(await closed(lambda.requestId, 'Lambda execution failed')).toEqual([
      expect.stringMatching(/^Lambda execution failed with status 200 due to customer function error: \{.*"errorMessage":"kaput".*\}$/),
    ])
    expect(await closed(broken.requestId, 'Execution failed')).toEqual([expect.stringMatching(/^Execution failed due to configuration error: .+/)])
    expect(await closed(failing.requestId, 'Execution failed')).toEqual([
      expect.stringMatching(/^Authorizer error: the function failed: .*boom/),
      'Execution failed due to configuration error: Authorizer error',
    ])
    await flushed()
    expect(messagesOf(ok.requestId)).toEqual([])
  })

  it('OFF writes nothing, for successes and failures alike', async () => {
    const sent = [await send('/off/plain'), await send('/off/broken'), await send('/off/guarded', { headers: { authorization: 'Bearer explode' } })]
    expect(sent.map((s) => s.status)).toEqual([200, 504, 500])
    await flushed()
    for (const s of sent) expect(gateway.output()).not.toContain(s.requestId)
  })
})
