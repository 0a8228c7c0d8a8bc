import type { WebSocketInvocation } from './invocation'
import { webSocketContext } from './invocation'

/**
 * The WebSocket Lambda proxy event (../shared/spec §9.4): `requestContext` for every event;
 * headers for `$connect` and `$disconnect`, the query for `$connect`, the body for messages;
 * `disconnectStatusCode` and `disconnectReason` for `$disconnect`.
 * @example lambdaProxyEvent(inv) // { requestContext: { routeKey: 'sendmessage', eventType: 'MESSAGE', … }, body: '…', isBase64Encoded: false }
 */
export function lambdaProxyEvent(inv: WebSocketInvocation): Record<string, unknown> {
  const c = webSocketContext(inv)
  const identity = c.identity as Record<string, unknown>
  const requestContext: Record<string, unknown> = {
    routeKey: c.routeKey,
    ...(inv.messageId ? { messageId: inv.messageId } : {}),
    eventType: inv.eventType,
    extendedRequestId: inv.extendedRequestId,
    requestTime: c.requestTime,
    messageDirection: 'IN',
    stage: inv.stage.name,
    connectedAt: inv.connection.connectedAt,
    requestTimeEpoch: inv.startedAt,
    identity: { sourceIp: identity.sourceIp, ...(identity.userAgent ? { userAgent: identity.userAgent } : {}), ...(identity.apiKey ? { apiKey: identity.apiKey, apiKeyId: identity.apiKeyId } : {}) },
    requestId: inv.requestId,
    domainName: inv.connection.domainName,
    connectionId: inv.connection.connectionId,
    apiId: inv.api.id,
    ...(inv.connection.authorizer ? { authorizer: inv.connection.authorizer } : {}),
    ...(inv.disconnect ? { disconnectStatusCode: inv.disconnect.statusCode, disconnectReason: inv.disconnect.reason } : {}),
  }
  const event: Record<string, unknown> = {}
  if (inv.eventType !== 'MESSAGE') {
    event.headers = headersAsSent(inv.headers)
    event.multiValueHeaders = Object.fromEntries(Object.entries(event.headers as Record<string, string>).map(([k, v]) => [k, [v]]))
  }
  if (inv.eventType === 'CONNECT') {
    const query = inv.query && [...inv.query.keys()].length ? inv.query : undefined
    if (query) {
      event.queryStringParameters = Object.fromEntries(query)
      const multi: Record<string, string[]> = {}
      for (const [k, v] of query) (multi[k] ??= []).push(v)
      event.multiValueQueryStringParameters = multi
    }
  }
  event.requestContext = requestContext
  if (inv.eventType === 'MESSAGE') event.body = inv.body
  event.isBase64Encoded = false
  if (Object.keys(inv.stage.variables).length) event.stageVariables = inv.stage.variables
  return event
}

/** Header names as clients commonly send them (`Sec-WebSocket-Key`); Workers lower-case them. */
function headersAsSent(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) out[k.replace(/(^|-)([a-z])/g, (_, d: string, ch: string) => d + ch.toUpperCase()).replace(/^Sec-Websocket/, 'Sec-WebSocket')] = v
  return out
}
