import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi'
import { freePort, startGateway, type RunningGateway } from './helpers/gateway'
import { routesDir } from './helpers/routes'
import { connected, eventually, type Client } from './helpers/websocket'
// @ts-expect-error: the example backend is plain JavaScript
import { startChatBackend } from '../../examples/chat-backend.mjs'

/**
 * `@connections` driven by the stock AWS SDK v3 client signing real SigV4 requests, and the chat
 * example (routes/chat.yaml with examples/chat-backend.mjs) fanning messages out through it.
 */

const key = { accessKeyId: 'AKIDE2ECONNECTIONS01', secretAccessKey: 'e2e/connections/secret/0123456789' }
const adminToken = 'e2e-admin-token-for-connections'

let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>
let chat: { port: number; members: Map<string, string>; close(): Promise<void> }
const clients: Client[] = []

beforeAll(async () => {
  const chatPort = await freePort()
  const example = (await readFile(new URL('../../routes/chat.yaml', import.meta.url), 'utf8')).replace("backend: '127.0.0.1:8790'", `backend: '127.0.0.1:${chatPort}'`)
  routes = await routesDir({ 'chat.yaml': example })
  gateway = await startGateway(routes.dir, { env: { GATEWAY_IAM_CREDENTIALS: `AKIDOTHER:x,${key.accessKeyId}:${key.secretAccessKey}`, GATEWAY_ADMIN_TOKEN: adminToken } })
  chat = await startChatBackend({ port: chatPort, endpoint: `${gateway.url}/chat/prod`, credentials: key })
}, 90_000)

afterAll(async () => {
  for (const c of clients) c.ws.terminate()
  await gateway?.stop()
  await chat?.close()
  await routes?.remove()
})

const sdk = (credentials = key) => new ApiGatewayManagementApiClient({ endpoint: `${gateway.url}/chat/prod`, region: 'eu-west-1', credentials })
const client = async (query = '') => {
  const c = await connected(`${gateway.url.replace('http', 'ws')}/chat/prod${query}`)
  clients.push(c)
  return c
}
const idOf = async (c: Client) => {
  c.send({ action: 'whoami' })
  return JSON.parse(await c.next()).connectionId as string
}

describe('the chat example', () => {
  it('fans a message out to every member through @connections', async () => {
    const [ann, bob, cy] = [await client('?name=ann'), await client('?name=bob'), await client('?name=cy')]
    await eventually(() => chat.members.size >= 3)
    ann.send({ action: 'sendmessage', text: 'hello room' })
    for (const c of [ann, bob, cy]) expect(JSON.parse(await c.next())).toEqual({ from: 'ann', text: 'hello room' })
  })

  it('tells a client what to send when the action is unknown ($default)', async () => {
    const c = await client()
    c.send('hello?')
    expect(JSON.parse(await c.next()).message).toMatch(/^unknown action/)
  })
})

describe('@connections with the AWS SDK', () => {
  it('PostToConnection sends the data as a text frame', async () => {
    const c = await client()
    const id = await idOf(c)
    await sdk().send(new PostToConnectionCommand({ ConnectionId: id, Data: 'from the backend' }))
    expect(await c.next()).toBe('from the backend')
  })

  it('GetConnection describes the connection', async () => {
    const c = await client()
    const id = await idOf(c)
    const info = await sdk().send(new GetConnectionCommand({ ConnectionId: id }))
    expect(info.ConnectedAt).toBeInstanceOf(Date)
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime())
    expect(info.Identity).toMatchObject({ SourceIp: '127.0.0.1' })
  })

  it('DeleteConnection closes it, and later calls get GoneException (410)', async () => {
    const c = await client()
    const id = await idOf(c)
    expect(chat.members.has(id)).toBe(true)
    await sdk().send(new DeleteConnectionCommand({ ConnectionId: id }))
    expect((await c.closed).code).toBe(1000)
    // $disconnect reached the backend, which dropped the member.
    await eventually(() => !chat.members.has(id))
    const gone = await sdk().send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' })).catch((e) => e)
    expect(gone).toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } })
    const gone2 = await sdk().send(new DeleteConnectionCommand({ ConnectionId: id })).catch((e) => e)
    expect(gone2).toMatchObject({ name: 'GoneException' })
  })

  it('refuses a wrong secret with ForbiddenException (403) and changes nothing', async () => {
    const c = await client()
    const id = await idOf(c)
    const refused = await sdk({ ...key, secretAccessKey: 'wrong' }).send(new DeleteConnectionCommand({ ConnectionId: id })).catch((e) => e)
    expect(refused).toMatchObject({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } })
    const unknown = await sdk({ accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' }).send(new GetConnectionCommand({ ConnectionId: id })).catch((e) => e)
    expect(unknown).toMatchObject({ name: 'ForbiddenException' })
    c.send({ action: 'whoami' })
    expect(JSON.parse(await c.next()).connectionId).toBe(id)
  })

  it('refuses data over 128 KiB with PayloadTooLargeException (413)', async () => {
    const c = await client()
    const id = await idOf(c)
    const refused = await sdk().send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x'.repeat(128 * 1024 + 1) })).catch((e) => e)
    expect(refused).toMatchObject({ name: 'PayloadTooLargeException', $metadata: { httpStatusCode: 413 } })
    await sdk().send(new PostToConnectionCommand({ ConnectionId: id, Data: 'y'.repeat(128 * 1024) }))
    expect(await c.next()).toHaveLength(128 * 1024)
  })
})

describe('@connections over plain HTTP', () => {
  const call = (method: string, id: string, headers: Record<string, string> = {}, body?: string) =>
    fetch(`${gateway.url}/chat/prod/@connections/${encodeURIComponent(id)}`, { method, headers, body })

  it('refuses an unsigned call with 403 and the restJson error shape', async () => {
    const res = await call('GET', 'AAAAAAAAAAAAAA==')
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException')
    expect(await res.json()).toEqual({ message: 'Missing Authentication Token' })
  })

  it('accepts the admin token, answers 400 for a malformed id and 410 for an unknown one', async () => {
    const auth = { Authorization: `Bearer ${adminToken}` }
    const c = await client()
    const id = await idOf(c)
    expect((await call('POST', id, auth, 'by admin')).status).toBe(200)
    expect(await c.next()).toBe('by admin')
    const bad = await call('GET', 'not an id', auth)
    expect(bad.status).toBe(400)
    expect(bad.headers.get('x-amzn-errortype')).toBe('BadRequestException')
    const unknown = await call('GET', 'AAAAAAAAAAAAAA==', auth)
    expect(unknown.status).toBe(410)
    expect(unknown.headers.get('x-amzn-errortype')).toBe('GoneException')
  })
})

describe('the open connection count (dashboard, admin API)', () => {
  const openNow = async () => {
    const res = await fetch(`${gateway.url}/_gateway/admin/connections`, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(res.status).toBe(200)
    const { items } = (await res.json()) as { items: { apiId: string; stage: string; open: number }[] }
    return items.find((i) => i.stage === 'prod')!.open
  }
  const settled = async (want: number) => {
    let last = -1
    await eventually(() => {
      void openNow().then((n) => (last = n))
      return last === want
    })
    return last
  }

  it('counts the connections open across every shard as they come and go, and needs the admin token', async () => {
    const before = await openNow()
    const [a, b, c] = [await client(), await client(), await client()]
    expect(await settled(before + 3)).toBe(before + 3)
    a.ws.terminate()
    b.ws.close()
    await Promise.all([a.closed, b.closed])
    expect(await settled(before + 1)).toBe(before + 1)
    expect(c.ws.readyState).toBe(c.ws.OPEN)
    expect((await fetch(`${gateway.url}/_gateway/admin/connections`)).status).toBe(401)
  })
})
