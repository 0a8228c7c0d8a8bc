import type { Api } from '../../definitions/table'
import type { WebSocketIntegration } from '../../definitions/websocket-table'
import type { WebSocketInvocation } from '../invocation'

/** What an integration answered, as the connection flow uses it. */
export interface IntegrationResult {
  /** The integration's status: on `$connect`, a non-2xx refuses the handshake with it. */
  status: number
  /** What a two-way route sends back to the client. */
  body: string
  /** `$connect` with a Lambda proxy: headers for the upgrade response (e.g. Sec-WebSocket-Protocol). */
  headers?: Record<string, string>
}

/** Compiles one route's integration once; the returned function runs it per event. */
export type IntegrationFactory = (integration: WebSocketIntegration, api: Api) => (inv: WebSocketInvocation) => Promise<IntegrationResult>
