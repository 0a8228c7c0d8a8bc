import type { Api, Stage } from '../definitions/table'
import type { Env } from '../env'
import { isAdmin } from '../admin/auth'
import { objectNamed } from '../durable/object-ids'
import { shardName, shardOf } from './connection'
import { parseIamCredentials, verifySignature } from '../auth/sigv4'
import { countWebSocket } from './metrics'

/** AWS's limit on `PostToConnection` data: 128 KiB. */
export const maxPostBytes = 128 * 1024

/** An `@connections` error, shaped as the SDK's restJson1 deserializer reads it. */
const failure = (status: number, errorType: string, message: string) =>
  new Response(JSON.stringify({ message }), { status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': errorType } })

const gone = () => failure(410, 'GoneException', 'Gone')

/**
 * The `@connections` management API (../shared/spec §9.3) at `/{stage}/@connections/{connectionId}`:
 * POST sends the body as a text frame, GET describes the connection, DELETE closes it. Callers sign
 * with SigV4 using a key from `GATEWAY_IAM_CREDENTIALS`, or send the admin token. The connection id
 * names its shard, so each call is one hop to the object holding the socket.
 * @example const manage = createManagementApi(); return manage(request, env, api, stage, rawId, url)
 */
export function createManagementApi() {
  return async function manage(request: Request, env: Env, api: Api, stage: Stage, rawId: string, url: string): Promise<Response> {
    const method = request.method
    let body = new ArrayBuffer(0)
    if (method === 'POST') {
      const read = await readUpTo(request, maxPostBytes)
      if (!read) return failure(413, 'PayloadTooLargeException', `Request data must be at most ${maxPostBytes} bytes`)
      body = read
    }
    if (!(await isAdmin(request, env))) {
      const refusal = await verifySignature(request, url, body, parseIamCredentials(env.GATEWAY_IAM_CREDENTIALS))
      if (refusal) return failure(403, 'ForbiddenException', refusal)
    }
    let connectionId: string
    try {
      connectionId = decodeURIComponent(rawId)
    } catch {
      return failure(400, 'BadRequestException', 'Invalid connectionId')
    }
    const shard = shardOf(connectionId)
    if (shard === undefined) return failure(400, 'BadRequestException', `Invalid connectionId: ${connectionId}`)
    if (!env.CONNECTIONS) return gone()
    const connections = objectNamed(env.CONNECTIONS, shardName(api.id, stage.name, shard))
    switch (method) {
      case 'POST':
        if (!(await connections.post(connectionId, new TextDecoder().decode(body)))) return gone()
        // A message to the client: AWS's MessageCount counts both directions.
        countWebSocket('MessageCount', api.id, stage.name)
        return new Response(null, { status: 200 })
      case 'GET': {
        const info = await connections.describe(connectionId)
        return info ? Response.json(info) : gone()
      }
      case 'DELETE':
        return (await connections.drop(connectionId)) ? new Response(null, { status: 204 }) : gone()
    }
    return failure(403, 'ForbiddenException', 'Missing Authentication Token')
  }
}

/** The body, or undefined when it is larger than `limit` (read no further than that). */
async function readUpTo(request: Request, limit: number): Promise<ArrayBuffer | undefined> {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > limit) return undefined
  if (!request.body) return new ArrayBuffer(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > limit) return undefined
    chunks.push(chunk)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out.buffer
}
