import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createGateway } from '../../src/app'
import { createConnectionFlow } from '../../src/websocket/connections'
import { newConnectionId, type ConnectionState } from '../../src/websocket/connection'
import { metricsSnapshot, type MetricName } from '../../src/observe/metrics'
import type { Env } from '../../src/env'

/**
 * AWS's WebSocket metrics as the handshake and the connection objects record them: the real
 * handshake flow with the real key objects, and the real connection flow over a real WebSocketPair,
 * read back from the isolate's metric series.
 */

const KEY = 'ws-metrics-key-0123456789abcdef'
const mock = (status: number, reply = '{"ok": true}') => `
      routeResponseSelectionExpression: $default
      integration:
        integrationType: MOCK
        requestTemplates: { $default: '{"statusCode": ${status}}' }
        integrationResponses: { $default: { responseTemplates: { $default: '${reply}' } } }`

const api = (apiId: string, connect: string) => `x-gateway:
  apiId: ${apiId}
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.body.action
  stages: { dev: {} }
  usagePlans: [{ name: plan-${apiId}, apiStages: [{ stage: dev }] }]
  apiKeys: [{ name: key-${apiId}, value: ${KEY}-${apiId}, usagePlans: [plan-${apiId}] }]
  routes:
    $connect:${connect}
    echo:${mock(200)}
    failing:${mock(500)}
    unreachable: { routeResponseSelectionExpression: $default, integration: { integrationType: HTTP_PROXY, integrationMethod: POST, integrationUri: 'http://127.0.0.1:1/nothing', timeoutInMillis: 2000 } }
`

/** Sum and sample count of one metric for one API (and route, when given). */
const metric = (name: MetricName, apiId: string, route?: string | null) => {
  const series = metricsSnapshot().filter((m) => m.name === name && m.dimensions.apiId === apiId && m.dimensions.stage === 'dev' && (route === undefined || m.dimensions.method === (route ?? undefined)))
  return { sum: series.reduce((n, m) => n + m.sum, 0), count: series.reduce((n, m) => n + m.count, 0) }
}
const count = (name: MetricName, apiId: string, route?: string | null) => metric(name, apiId, route).count

const handshake = (gateway: ReturnType<typeof createGateway>, apiId: string, headers: Record<string, string> = {}) =>
  gateway.fetch(new Request(`http://${apiId}.execute-api.localhost/dev`, { headers: { upgrade: 'websocket', ...headers } }), env as Env)

describe('WebSocket metrics on the handshake', () => {
  it('counts every handshake as ConnectCount, and refusals before the integration as ClientError', async () => {
    const gateway = createGateway(compileOrThrow([{ file: 'routes/m.yaml', text: api('wsm-keys', `\n      apiKeyRequired: true${mock(200)}`) }]))
    expect((await handshake(gateway, 'wsm-keys')).status).toBe(403)
    expect((await handshake(gateway, 'wsm-keys', { 'x-api-key': 'wsm-nobody-0123456789abcdef' })).status).toBe(403)
    const accepted = await handshake(gateway, 'wsm-keys', { 'x-api-key': `${KEY}-wsm-keys` })
    expect(accepted.status).toBe(101)
    accepted.webSocket!.accept()
    accepted.webSocket!.close(1000)

    expect(count('ConnectCount', 'wsm-keys', '$connect')).toBe(3)
    expect(count('ClientError', 'wsm-keys', '$connect')).toBe(2)
    expect(count('IntegrationError', 'wsm-keys')).toBe(0)
    // MOCK integrations report no IntegrationLatency, as on AWS.
    expect(count('IntegrationLatency', 'wsm-keys')).toBe(0)
  })

  it("counts a $connect integration's 5XX as IntegrationError, not ClientError", async () => {
    const gateway = createGateway(compileOrThrow([{ file: 'routes/m.yaml', text: api('wsm-refused', mock(500)) }]))
    expect((await handshake(gateway, 'wsm-refused')).status).toBe(500)
    expect(count('ConnectCount', 'wsm-refused', '$connect')).toBe(1)
    expect(count('IntegrationError', 'wsm-refused', '$connect')).toBe(1)
    expect(count('ClientError', 'wsm-refused')).toBe(0)
  })
})

describe('WebSocket metrics on messages', () => {
  const apiId = 'wsm-messages'
  const flow = createConnectionFlow(compileOrThrow([{ file: 'routes/m.yaml', text: api(apiId, mock(200)) }]))

  /** A real socket pair: the flow works the server end as a connection object does; the test reads the client end. */
  const pair = () => {
    const [client, server] = Object.values(new WebSocketPair())
    server.accept()
    client.accept()
    const now = Date.now()
    const state: ConnectionState = { connectionId: newConnectionId(0), apiId, stage: 'dev', connectedAt: now, lastActiveAt: now, sourceIp: '127.0.0.1', userAgent: null, domainName: 'localhost' }
    server.serializeAttachment(state)
    return { client, server }
  }
  const connection = () => {
    const { client, server } = pair()
    const frames: string[] = []
    client.addEventListener('message', (e) => {
      frames.push(String(e.data))
    })
    const send = async (message: unknown) => {
      await flow.message(server, typeof message === 'string' ? message : JSON.stringify(message), env as Env)
      // Frames reach the client end on a later turn.
      await new Promise((r) => setTimeout(r, 10))
      return frames.at(-1) === undefined ? undefined : JSON.parse(frames.at(-1)!)
    }
    return { send, frames }
  }

  it('counts messages in both directions per route, and a message no route takes as a ClientError', async () => {
    const c = connection()
    expect(await c.send({ action: 'echo' })).toEqual({ ok: true })
    expect(await c.send({ action: 'echo' })).toEqual({ ok: true })
    expect(await c.send({ action: 'nowhere' })).toMatchObject({ message: 'Forbidden' })

    // Two in and two replies on echo; the unrouted message counts without a route.
    expect(count('MessageCount', apiId, 'echo')).toBe(4)
    expect(count('MessageCount', apiId, null)).toBe(1)
    expect(count('ClientError', apiId, null)).toBe(1)
    expect(count('ClientError', apiId, 'echo')).toBe(0)
  })

  it('counts an integration answering 5XX as IntegrationError and a failed call as ExecutionError with its latency', async () => {
    const c = connection()
    const before = { integration: count('IntegrationError', apiId, 'failing'), execution: count('ExecutionError', apiId, 'unreachable') }
    await c.send({ action: 'failing' })
    expect(await c.send({ action: 'unreachable' })).toMatchObject({ message: 'Internal server error' })

    expect(count('IntegrationError', apiId, 'failing')).toBe(before.integration + 1)
    expect(count('ExecutionError', apiId, 'unreachable')).toBe(before.execution + 1)
    expect(count('ExecutionError', apiId, 'failing')).toBe(0)
    expect(count('IntegrationError', apiId, 'unreachable')).toBe(0)
    const latency = metric('IntegrationLatency', apiId, 'unreachable')
    expect(latency.count).toBe(1)
    expect(latency.sum).toBeGreaterThanOrEqual(0)
    expect(count('IntegrationLatency', apiId, 'failing')).toBe(0)
    expect(count('ClientError', apiId)).toBe(1)
  })

  it('counts a refused frame (binary without contentHandlingStrategy) as a ClientError', async () => {
    const { client, server } = pair()
    const closed = new Promise<number>((done) => client.addEventListener('close', (e) => done(e.code)))
    const before = count('ClientError', apiId, null)
    await flow.message(server, new Uint8Array([1, 2, 3]).buffer, env as Env)
    expect(await closed).toBe(1003)
    expect(count('ClientError', apiId, null)).toBe(before + 1)
  })
})
