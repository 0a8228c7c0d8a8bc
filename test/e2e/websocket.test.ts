import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type RunningGateway } from './helpers/gateway'
import { startBackend, type Backend } from './helpers/backend'
import { routesDir } from './helpers/routes'
import { connected, eventually, open, type Client } from './helpers/websocket'
import { LambdaError, startAwsServices } from './conformance/aws-services'

/**
 * WebSocket APIs over real sockets: `gateway serve` with the `ws` client, real HTTP backends and
 * the SigV4-checking Lambda stand-in on 127.0.0.1.
 */

const own = { accessKeyId: 'AKIAE2EWEBSOCKET0001', secretAccessKey: 'e2e/websocket/secret/0123456789' }
const fn = (name: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${name}/invocations`
const policy = (effect: string) => ({ Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: 'arn:aws:execute-api:*:*:authz/*' }] })

const main = (backend: string, services: string) => `x-gateway:
  apiId: main
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.body.action
  awsEndpoints: { lambda: '${services}' }
  stages:
    dev: { variables: { backend: '${backend}' } }
    short: { variables: { backend: '${backend}' }, idleTimeoutInSeconds: 2 }
    brief: { variables: { backend: '${backend}' }, maxConnectionDurationInSeconds: 2 }
    logged:
      variables: { backend: '${backend}' }
      accessLogSettings:
        format: '{"log": "ws", "requestId": "$context.requestId", "connectionId": "$context.connectionId", "eventType": "$context.eventType", "routeKey": "$context.routeKey", "status": "$context.status", "integrationStatus": "$context.integration.status", "error": "$context.error.message", "ip": "$context.identity.sourceIp"}'
    limited: { variables: { backend: '${backend}' }, connectionShards: 1, defaultRouteSettings: { throttlingRateLimit: 0.01, throttlingBurstLimit: 3 }, routeSettings: { whoami: { throttlingRateLimit: 1000, throttlingBurstLimit: 1000 } } }
  routes:
    $connect:
      integration:
        integrationType: HTTP_PROXY
        integrationMethod: POST
        integrationUri: http://\${stageVariables.backend}/connect
        requestParameters:
          integration.request.header.connectionId: context.connectionId
          integration.request.querystring.reject: route.request.querystring.reject
    $disconnect: { integration: { integrationType: AWS_PROXY, integrationUri: '${fn('ws-events')}' } }
    echo:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: HTTP_PROXY
        integrationMethod: POST
        integrationUri: http://\${stageVariables.backend}/echo
        requestParameters: { integration.request.header.x-text: route.request.body.text, integration.request.header.x-route: context.routeKey }
    oneway: { integration: { integrationType: HTTP_PROXY, integrationMethod: POST, integrationUri: 'http://\${stageVariables.backend}/echo' } }
    mapped:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: HTTP
        integrationMethod: POST
        integrationUri: http://\${stageVariables.backend}/echo
        requestTemplates: { $default: '{"who": "$context.connectionId", "text": $input.json(''$.text'')}' }
        integrationResponses:
          /2\\d\\d/: { responseTemplates: { $default: '{"backendSaw": $input.json(''$.body'')}' } }
    lambda: { routeResponseSelectionExpression: $default, integration: { integrationType: AWS_PROXY, integrationUri: '${fn('ws-events')}' } }
    slow: { routeResponseSelectionExpression: $default, integration: { integrationType: HTTP_PROXY, integrationMethod: POST, integrationUri: 'http://\${stageVariables.backend}/slow', timeoutInMillis: 300 } }
    broken: { routeResponseSelectionExpression: $default, integration: { integrationType: HTTP_PROXY, integrationMethod: POST, integrationUri: 'http://127.0.0.1:1/nothing' } }
    whoami:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: '{"connectionId": "$context.connectionId", "route": "$context.routeKey"}' } } }
    $default:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: '{"route": "$context.routeKey"}' } } }
`

const strict = `x-gateway:
  apiId: strict
  protocolType: WEBSOCKET
  basePath: /strict
  routeSelectionExpression: \${request.body.service}/\${request.body.action}
  stages: { dev: {} }
  routes:
    chat/ping:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: 'pong' } } }
`

const authz = (services: string) => `x-gateway:
  apiId: authz
  protocolType: WEBSOCKET
  basePath: /authz
  routeSelectionExpression: $request.body.action
  awsEndpoints: { lambda: '${services}' }
  stages: { dev: { variables: { tier: gold } } }
  authorizers:
    auth:
      authorizerType: REQUEST
      authorizerUri: '${fn('ws-auth')}'
      identitySource: [route.request.header.Auth, stageVariables.tier]
      authorizerResultTtlInSeconds: 0
  routes:
    $connect:
      authorizationType: CUSTOM
      authorizerId: auth
      integration: { integrationType: AWS_PROXY, integrationUri: '${fn('ws-connect')}' }
    whoami:
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": 200}' }
        integrationResponses: { $default: { responseTemplates: { $default: '{"principal": "$context.authorizer.principalId", "tier": "$context.authorizer.tier"}' } } }
`

let gateway: RunningGateway
let backend: Backend
let services: Awaited<ReturnType<typeof startAwsServices>>
let routes: Awaited<ReturnType<typeof routesDir>>
const events: any[] = []
const authEvents: any[] = []
const clients: Client[] = []

beforeAll(async () => {
  backend = await startBackend({
    '/connect': (req, res) => {
      res.writeHead(req.url?.includes('reject=yes') ? 403 : 200).end()
    },
    '/slow': (_req, res) => void setTimeout(() => res.end('late'), 2000),
  })
  services = await startAwsServices({
    keys: new Map([[own.accessKeyId, own]]),
    functions: {
      'ws-events': (event) => {
        events.push(event)
        return { statusCode: 200, body: JSON.stringify({ routeKey: event.requestContext.routeKey, event }) }
      },
      'ws-auth': (event) => {
        authEvents.push(event)
        if (event.headers.Auth === 'good') return { principalId: 'ann', policyDocument: policy('Allow'), context: { tier: event.stageVariables.tier } }
        if (event.headers.Auth === 'bad') return { principalId: 'bob', policyDocument: policy('Deny') }
        throw new LambdaError('Unauthorized')
      },
      'ws-connect': (event) => {
        if (event.queryStringParameters?.refuse) return { statusCode: 409 }
        const protocol = event.headers['Sec-WebSocket-Protocol']
        return { statusCode: 200, ...(protocol ? { headers: { 'Sec-WebSocket-Protocol': protocol.split(',')[0].trim() } } : {}) }
      },
    },
  })
  routes = await routesDir({ 'main.yaml': main(`127.0.0.1:${backend.port}`, services.url), 'strict.yaml': strict, 'authz.yaml': authz(services.url) })
  gateway = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey } })
}, 90_000)

afterAll(async () => {
  for (const c of clients) c.ws.terminate()
  await gateway?.stop()
  await backend?.close()
  await services?.stop()
  await routes?.remove()
})

const wsUrl = (path: string) => `${gateway.url.replace('http', 'ws')}${path}`
const client = async (path = '/dev', options?: Parameters<typeof open>[1]) => {
  const c = await connected(wsUrl(path), options)
  clients.push(c)
  return c
}
const idOf = async (c: Client) => {
  c.send({ action: 'whoami' })
  return JSON.parse(await c.next()).connectionId as string
}
const disconnectsOf = (id: string) => events.filter((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === id)

describe('WebSocket handshake', () => {
  it('runs $connect with the new connection id, and accepts the upgrade on a 2xx', async () => {
    const c = await client()
    const id = await idOf(c)
    expect(id).toMatch(/^[A-Za-z0-9_-]{14}==$/)
    expect(backend.received.filter((r) => r.url.startsWith('/connect')).map((r) => r.headers.connectionid)).toContain(id)
  })

  it('refuses the upgrade with the status $connect answered', async () => {
    expect(await open(wsUrl('/dev?reject=yes'))).toMatchObject({ status: 403 })
  })

  it('selects the API by its {apiId}.execute-api host', async () => {
    const c = await client('/dev', { headers: { Host: 'main.execute-api.localhost' } })
    c.send({ action: 'whoami' })
    expect(JSON.parse(await c.next())).toMatchObject({ route: 'whoami' })
  })

  it('answers a plain GET on the stage with 426 and an unknown stage with 403', async () => {
    const plain = await fetch(`${gateway.url}/dev`)
    expect(plain.status).toBe(426)
    expect(await open(wsUrl('/nostage'))).toMatchObject({ status: 403 })
  })
})

describe('$connect authorizer', () => {
  it('refuses a missing identity with 401 without invoking the function, a denial with 403, "Unauthorized" with 401', async () => {
    const before = authEvents.length
    expect(await open(wsUrl('/authz/dev'))).toMatchObject({ status: 401 })
    expect(authEvents.length).toBe(before)
    expect(await open(wsUrl('/authz/dev'), { headers: { Auth: 'bad' } })).toMatchObject({ status: 403 })
    expect(await open(wsUrl('/authz/dev'), { headers: { Auth: 'other' } })).toMatchObject({ status: 401 })
  })

  it('admits an allowed caller, shows the authorizer on later messages, and puts $connect headers on the upgrade', async () => {
    const c = await client('/authz/dev', { headers: { Auth: 'good' }, protocols: ['chat.v2', 'chat.v1'] })
    expect(c.ws.protocol).toBe('chat.v2')
    c.send({ action: 'whoami' })
    expect(JSON.parse(await c.next())).toEqual({ principal: 'ann', tier: 'gold' })
    const event = authEvents.at(-1)
    expect(event).toMatchObject({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:local:000000000000:authz/dev/$connect', requestContext: { routeKey: '$connect', eventType: 'CONNECT' } })
  })

  it('refuses the upgrade with the status a $connect Lambda returns', async () => {
    expect(await open(wsUrl('/authz/dev?refuse=1'), { headers: { Auth: 'good' } })).toMatchObject({ status: 409 })
  })
})

describe('messages', () => {
  it('sends a custom route to its integration with mapped parameters, and replies on a two-way route', async () => {
    const c = await client()
    c.send({ action: 'echo', text: 'hi there' })
    const echoed = JSON.parse(await c.next())
    expect(echoed).toMatchObject({ method: 'POST', url: '/echo', body: '{"action":"echo","text":"hi there"}' })
    expect(echoed.headers).toMatchObject({ 'x-text': 'hi there', 'x-route': 'echo' })
  })

  it('never replies on a one-way route', async () => {
    const c = await client()
    const seen = backend.received.length
    c.send({ action: 'oneway' })
    await eventually(() => backend.received.length > seen)
    c.send({ action: 'whoami' })
    expect(JSON.parse(await c.next())).toMatchObject({ route: 'whoami' })
  })

  it('maps through request templates and integration responses (HTTP)', async () => {
    const c = await client()
    const id = await idOf(c)
    c.send({ action: 'mapped', text: 'x' })
    expect(JSON.parse(await c.next())).toEqual({ backendSaw: `{"who": "${id}", "text": "x"}` })
  })

  it('selects $default for an unknown key and for text that is not JSON', async () => {
    const c = await client()
    c.send({ action: 'nope' })
    expect(JSON.parse(await c.next())).toEqual({ route: '$default' })
    c.send('not json')
    expect(JSON.parse(await c.next())).toEqual({ route: '$default' })
  })

  it('evaluates a composite selection expression, and without $default answers the Forbidden error frame', async () => {
    const c = await client('/strict/dev')
    c.send({ service: 'chat', action: 'ping' })
    expect(await c.next()).toBe('pong')
    c.send({ service: 'chat', action: 'other' })
    expect(JSON.parse(await c.next())).toMatchObject({ message: 'Forbidden', requestId: expect.any(String), connectionId: expect.any(String) })
    c.send('not json')
    expect(JSON.parse(await c.next())).toMatchObject({ message: 'Forbidden' })
  })

  it('sends the WebSocket Lambda proxy event to AWS_PROXY and replies with its body', async () => {
    const c = await client()
    const id = await idOf(c)
    c.send({ action: 'lambda', n: 1 })
    const reply = JSON.parse(await c.next())
    expect(reply.routeKey).toBe('lambda')
    expect(reply.event).toMatchObject({
      body: '{"action":"lambda","n":1}',
      isBase64Encoded: false,
      requestContext: { routeKey: 'lambda', eventType: 'MESSAGE', messageDirection: 'IN', connectionId: id, apiId: 'main', stage: 'dev', identity: { sourceIp: '127.0.0.1' } },
    })
    expect(reply.event.requestContext.messageId).toMatch(/^[A-Za-z0-9+/]{15}=$/)
    expect(typeof reply.event.requestContext.connectedAt).toBe('number')
  })

  it('answers integration timeouts and failures with AWS error frames', async () => {
    const c = await client()
    c.send({ action: 'slow' })
    expect(JSON.parse(await c.next())).toMatchObject({ message: 'Endpoint request timed out' })
    c.send({ action: 'broken' })
    expect(JSON.parse(await c.next())).toMatchObject({ message: 'Internal server error' })
  })
})

describe('access logs', () => {
  const logLines = () =>
    gateway
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{"log": "ws"'))
      .map((l) => JSON.parse(l) as Record<string, string>)

  it('writes one line per $connect, message and $disconnect in the stage format, refusals and failures included', async () => {
    const c = await client('/logged')
    const id = await idOf(c)
    c.send({ action: 'broken' })
    expect(JSON.parse(await c.next())).toMatchObject({ message: 'Internal server error' })
    c.ws.close(1000, 'bye')
    await c.closed
    expect((await open(wsUrl('/logged?reject=yes'))) as { status: number }).toMatchObject({ status: 403 })
    const lines = await eventually(() => {
      const all = logLines()
      return all.filter((l) => l.connectionId === id).length >= 4 && all.some((l) => l.status === '403') && all
    })
    const own = lines.filter((l) => l.connectionId === id).map(({ eventType, routeKey, status, integrationStatus, error }) => ({ eventType, routeKey, status, integrationStatus, error }))
    expect(own).toEqual([
      { eventType: 'CONNECT', routeKey: '$connect', status: '200', integrationStatus: '200', error: '-' },
      { eventType: 'MESSAGE', routeKey: 'whoami', status: '200', integrationStatus: '200', error: '-' },
      // An unreachable backend: AWS's INTEGRATION_FAILURE (504); the client's frame says Internal server error.
      { eventType: 'MESSAGE', routeKey: 'broken', status: '504', integrationStatus: '-', error: 'Internal server error' },
      { eventType: 'DISCONNECT', routeKey: '$disconnect', status: '200', integrationStatus: '200', error: '-' },
    ])
    expect(lines.find((l) => l.status === '403')).toMatchObject({ eventType: 'CONNECT', routeKey: '$connect', integrationStatus: '403', ip: '127.0.0.1' })
    // Every event has its own request id; nothing else on the API logs (no format on its other stages).
    expect(new Set(lines.map((l) => l.requestId)).size).toBe(lines.length)
  })
})

describe('limits', () => {
  it('throttles messages per route (routeSettings over defaultRouteSettings) with the Too Many Requests frame', async () => {
    const c = await client('/limited')
    const replies: string[] = []
    for (let i = 0; i < 5; i++) {
      c.send({ action: 'nope' })
      replies.push(JSON.parse(await c.next()).message ?? 'ok')
    }
    expect(replies).toEqual(['ok', 'ok', 'ok', 'Too Many Requests', 'Too Many Requests'])
    c.send({ action: 'whoami' })
    expect(JSON.parse(await c.next())).toMatchObject({ route: 'whoami' })
  })

  it('closes with 1009 on a message over 32 KB, runs $disconnect, and other connections keep working', async () => {
    const other = await client()
    const c = await client()
    const id = await idOf(c)
    c.send(JSON.stringify({ action: 'echo', text: 'x'.repeat(40 * 1024) }))
    expect(await c.closed).toMatchObject({ code: 1009 })
    await eventually(() => disconnectsOf(id).length === 1)
    expect(disconnectsOf(id)[0].requestContext).toMatchObject({ disconnectStatusCode: 1009 })
    other.send({ action: 'whoami' })
    expect(JSON.parse(await other.next())).toMatchObject({ route: 'whoami' })
  })

  it('closes with 1003 on a binary frame', async () => {
    const c = await client()
    c.ws.send(Buffer.from([1, 2, 3]))
    expect(await c.closed).toMatchObject({ code: 1003 })
  })
})

describe('$disconnect, exactly once', () => {
  it('on a client close, with its code and reason', async () => {
    const c = await client()
    const id = await idOf(c)
    c.ws.close(4001, 'bye')
    await eventually(() => disconnectsOf(id).length > 0)
    await new Promise((r) => setTimeout(r, 500))
    expect(disconnectsOf(id)).toHaveLength(1)
    expect(disconnectsOf(id)[0]).toMatchObject({ requestContext: { routeKey: '$disconnect', eventType: 'DISCONNECT', disconnectStatusCode: 4001, disconnectReason: 'bye' } })
    expect(disconnectsOf(id)[0].headers).toMatchObject({ Host: expect.any(String) })
  })

  it('on an abrupt TCP drop', async () => {
    const c = await client()
    const id = await idOf(c)
    c.ws.terminate()
    await eventually(() => disconnectsOf(id).length > 0)
    await new Promise((r) => setTimeout(r, 500))
    expect(disconnectsOf(id)).toHaveLength(1)
    expect(disconnectsOf(id)[0].requestContext.disconnectStatusCode).toBe(1006)
  })

  it('on the idle timeout (2 s on this stage)', async () => {
    const c = await client('/short')
    const id = await idOf(c)
    expect(await c.closed).toEqual({ code: 1001, reason: 'Idle timeout' })
    await eventually(() => disconnectsOf(id).length > 0)
    await new Promise((r) => setTimeout(r, 500))
    expect(disconnectsOf(id)).toHaveLength(1)
    expect(disconnectsOf(id)[0].requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Idle timeout' })
  })

  it('on the maximum connection duration (2 s on this stage), however busy the connection', async () => {
    const c = await client('/brief')
    const id = await idOf(c)
    const busy = setInterval(() => c.ws.readyState === 1 && c.send({ action: 'oneway' }), 300)
    const closed = await c.closed
    clearInterval(busy)
    expect(closed).toEqual({ code: 1001, reason: 'Maximum connection duration reached' })
    await eventually(() => disconnectsOf(id).length > 0)
    expect(disconnectsOf(id)).toHaveLength(1)
  })
})
