/**
 * A connection's state, kept as the socket's serialized attachment in its shard object, so it
 * survives hibernation (≤ 16 KB: handshake headers are kept only while they fit).
 */
export interface ConnectionState {
  connectionId: string
  apiId: string
  stage: string
  /** Epoch ms. */
  connectedAt: number
  /** Epoch ms of the client's last message (the idle timeout counts from it). */
  lastActiveAt: number
  sourceIp: string
  userAgent: string | null
  /** The Host the client connected to (`$context.domainName`). */
  domainName: string
  /** `$context.authorizer` from the `$connect` authorizer, shown on every later event. */
  authorizer?: Record<string, unknown>
  apiKey?: { value: string; id: string }
  /** The handshake's headers, for the `$disconnect` event; left out when they are large. */
  headers?: Record<string, string>
  /** Set when the gateway itself closes the socket, so `$disconnect` runs once. */
  closing?: boolean
}

/** What `GET @connections` answers (AWS's GetConnection), without the request id. */
export interface ConnectionDescription {
  connectedAt: string
  identity: { sourceIp: string; userAgent?: string }
  lastActiveAt: string
}

/**
 * The RPC surface of a shard object (durable/websocket-connection.ts), declared here so the
 * environment's types need not import the object and all it runs.
 */
export interface ConnectionShard extends Rpc.DurableObjectBranded {
  /** `POST @connections`: false when the connection is gone. */
  post(connectionId: string, data: string): Promise<boolean>
  /** `GET @connections`: undefined when the connection is gone. */
  describe(connectionId: string): Promise<ConnectionDescription | undefined>
  /** `DELETE @connections`: false when the connection is already gone. */
  drop(connectionId: string): Promise<boolean>
  /** Connections open in this shard (the dashboard's count). */
  openCount(): Promise<number>
}

/** Shard index bytes, then random bytes: 10 bytes, as long as AWS's ids (`L0SM9cOFvHcCIhw=`). */
const idBytes = 10

/**
 * A new connection id naming its shard: AWS's shape (16 characters of base64 ending in `=`), in
 * the URL-safe alphabet so it needs no escaping in `@connections` paths.
 * @example newConnectionId(3) // 'AAN1gE2pQkq-Yw=='
 */
export function newConnectionId(shard: number): string {
  const bytes = new Uint8Array(idBytes)
  crypto.getRandomValues(bytes)
  bytes[0] = shard >> 8
  bytes[1] = shard & 0xff
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
}

const idShape = /^[A-Za-z0-9_-]{14}==$/

/**
 * The shard a connection id names, or undefined for a malformed id.
 * @example shardOf(newConnectionId(3)) // 3
 */
export function shardOf(connectionId: string): number | undefined {
  if (!idShape.test(connectionId)) return undefined
  const raw = atob(connectionId.slice(0, 4).replace(/-/g, '+').replace(/_/g, '/'))
  return (raw.charCodeAt(0) << 8) | raw.charCodeAt(1)
}

/** The Durable Object holding one shard of a stage's connections. */
export const shardName = (apiId: string, stage: string, shard: number) => `ws:${apiId}:${stage}:${shard}`

/** Attachments are capped at 16 KB by the runtime; headers beyond this budget are dropped. */
export const headerBudgetBytes = 8 * 1024
