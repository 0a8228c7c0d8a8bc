import type { Api, Stage } from '../definitions/table'
import type { WebSocketApi, WebSocketRoute } from '../definitions/websocket-table'
import type { Env } from '../env'
import type { ConnectionState } from './connection'
import { requestTime, unsignedIdentity } from '../context'
import { parseMessage } from './selection-expression'

export type EventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT'

/**
 * One event of a connection (`$connect`, a message, `$disconnect`) on its way through the route's
 * integration: the single source of the WebSocket `$context` (../shared/spec §2.8) and of the
 * Lambda proxy event (§9.4).
 */
export interface WebSocketInvocation {
  api: Api
  ws: WebSocketApi
  stage: Stage
  route: WebSocketRoute
  eventType: EventType
  connection: ConnectionState
  requestId: string
  extendedRequestId: string
  /** Epoch ms the event arrived (`requestTimeEpoch`). */
  startedAt: number
  /** MESSAGE only. */
  messageId?: string
  /** The message ('' for `$connect` and `$disconnect`). */
  body: string
  /** The message as JSON, parsed once for every selection and mapping that reads it. */
  parsed?: { value: unknown }
  /** The handshake's headers (lower-case names) and query: `$connect`, and headers on `$disconnect`. */
  headers: Record<string, string>
  query?: URLSearchParams
  /** DISCONNECT only. */
  disconnect?: { statusCode: number; reason: string }
  env: Env
  /** Built on first use. */
  context?: Record<string, unknown>
  /** Set once the route's integration has answered (access logs). */
  integrationLatency?: number
  integrationStatus?: number
}

/** The message as JSON (`{ value: undefined }` when it is not), parsed on first use. */
export const parsedBody = (inv: WebSocketInvocation) => (inv.parsed ??= parseMessage(inv.body))

/**
 * The WebSocket `$context` (../shared/spec §2.8), built once per event on first use.
 * @example contextOf(inv).connectionId // 'AAN1gE2pQkq-Yw=='
 */
export function webSocketContext(inv: WebSocketInvocation): Record<string, unknown> {
  if (inv.context) return inv.context
  const c = inv.connection
  inv.context = {
    accountId: inv.api.accountId,
    apiId: inv.api.id,
    ...(c.authorizer ? { authorizer: c.authorizer } : {}),
    connectedAt: c.connectedAt,
    connectionId: c.connectionId,
    domainName: c.domainName,
    eventType: inv.eventType,
    extendedRequestId: inv.extendedRequestId,
    identity: {
      ...unsignedIdentity,
      apiKey: c.apiKey?.value ?? null,
      apiKeyId: c.apiKey?.id ?? null,
      sourceIp: c.sourceIp,
      userAgent: c.userAgent,
    },
    ...(inv.messageId ? { messageId: inv.messageId } : {}),
    messageDirection: 'IN',
    requestId: inv.requestId,
    requestTime: requestTime(inv.startedAt),
    requestTimeEpoch: inv.startedAt,
    // Unset for a message no route took (its access-log line still has the rest).
    routeKey: (inv.route as WebSocketRoute | undefined)?.routeKey,
    stage: inv.stage.name,
  }
  return inv.context
}

/**
 * A message id as AWS's look (`XvDQ3f8ZIAMCF1g=`): 11 random bytes in base64.
 * @example newMessageId() // 'XvDQ3f8ZIAMCF1g='
 */
export function newMessageId(): string {
  const bytes = new Uint8Array(11)
  crypto.getRandomValues(bytes)
  return btoa(String.fromCharCode(...bytes))
}
