import { DurableObject } from 'cloudflare:workers'
import table from '@gateway/table'
import type { Env } from '../env'
import type { ConnectionDescription, ConnectionShard, ConnectionState } from '../websocket/connection'
import { createConnectionFlow } from '../websocket/connections'
import { closeCodes } from '../websocket/error-frame'

/** The header that carries a new connection's state from the handshake to its shard. */
export const connectionHeader = 'x-gateway-connection'

/**
 * One shard of a stage's WebSocket connections (the shard is named in each connection id), held
 * with the Hibernation API: sockets are accepted with `ctx.acceptWebSocket`, each connection's
 * state is its serialized attachment, and the object may be evicted while its sockets stay open.
 * One alarm, set to the earliest deadline, closes idle and over-age connections.
 * (The class keeps its first name so deployments keep their migration history.)
 */
export class WebSocketConnection extends DurableObject<Env> implements ConnectionShard {
  private readonly flow = createConnectionFlow(table)
  /** What the flow's batched log writes need of a request context: `waitUntil`. */
  private readonly waitable = { waitUntil: (p: Promise<unknown>) => this.ctx.waitUntil(p) } as ExecutionContext
  /** The alarm as last set or read; undefined until read after a wake. */
  private alarmAt: number | null | undefined

  /** The second half of the handshake: accept the socket that `$connect` has admitted. */
  override async fetch(request: Request): Promise<Response> {
    const raw = request.headers.get(connectionHeader)
    if (!raw) return new Response('not a handshake', { status: 400 })
    const connection = JSON.parse(decodeURIComponent(raw)) as ConnectionState
    const [client, server] = Object.values(new WebSocketPair())
    this.ctx.acceptWebSocket(server, [connection.connectionId])
    server.serializeAttachment(connection)
    const deadline = this.deadlineOf(connection)
    if (deadline !== undefined) await this.wakeBy(deadline)
    return new Response(null, { status: 101, webSocket: client })
  }

  /** `POST @connections`: a text frame to the connection; false when it is gone. */
  async post(connectionId: string, data: string): Promise<boolean> {
    const ws = this.open(connectionId)
    if (!ws) return false
    try {
      ws.send(data)
      return true
    } catch {
      return false
    }
  }

  /** `GET @connections`: what AWS's GetConnection returns; undefined when gone. */
  async describe(connectionId: string): Promise<ConnectionDescription | undefined> {
    const c = this.open(connectionId)?.deserializeAttachment() as ConnectionState | undefined
    if (!c) return undefined
    return {
      connectedAt: new Date(c.connectedAt).toISOString(),
      identity: { sourceIp: c.sourceIp, ...(c.userAgent ? { userAgent: c.userAgent } : {}) },
      lastActiveAt: new Date(c.lastActiveAt).toISOString(),
    }
  }

  /** `DELETE @connections`: close it (1000) and run `$disconnect`; false when already gone. */
  async drop(connectionId: string): Promise<boolean> {
    const ws = this.open(connectionId)
    if (!ws) return false
    await this.flow.close(ws, closeCodes.normal, '', this.env)
    return true
  }

  /** Connections open in this shard, not counting ones already closing. */
  async openCount(): Promise<number> {
    return this.ctx.getWebSockets().filter(isOpen).length
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await this.flow.message(ws, message, this.env, this.waitable)
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.flow.closed(ws, code, reason, this.env, this.waitable)
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.flow.closed(ws, closeCodes.abnormal, '', this.env, this.waitable)
  }

  /** Closes connections past their idle timeout or maximum duration, then waits for the next deadline. */
  override async alarm(): Promise<void> {
    const now = Date.now()
    this.alarmAt = null
    let next = Infinity
    for (const ws of this.ctx.getWebSockets()) {
      const c = ws.deserializeAttachment() as ConnectionState | null
      const settings = c && this.flow.settingsOf(c)
      if (!c || c.closing || !settings) continue
      if (now >= c.connectedAt + settings.maxDurationSeconds * 1000) await this.flow.close(ws, closeCodes.goingAway, 'Maximum connection duration reached', this.env)
      else if (now >= c.lastActiveAt + settings.idleTimeoutSeconds * 1000) await this.flow.close(ws, closeCodes.goingAway, 'Idle timeout', this.env)
      else next = Math.min(next, this.deadlineOf(c)!)
    }
    if (next !== Infinity) await this.wakeBy(next)
  }

  private open(connectionId: string): WebSocket | undefined {
    return this.ctx.getWebSockets(connectionId).find(isOpen)
  }

  private deadlineOf(c: ConnectionState): number | undefined {
    const settings = this.flow.settingsOf(c)
    if (!settings) return undefined
    return Math.min(c.lastActiveAt + settings.idleTimeoutSeconds * 1000, c.connectedAt + settings.maxDurationSeconds * 1000)
  }

  /** Moves the alarm earlier when `at` comes first; never later (the alarm recomputes when it fires). */
  private async wakeBy(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm()
    if (this.alarmAt !== null && this.alarmAt <= at) return
    this.alarmAt = at
    await this.ctx.storage.setAlarm(at)
  }
}

/** Open, and not being closed by the gateway (a close frame sent, the socket not yet gone). */
const isOpen = (ws: WebSocket) => ws.readyState === WebSocket.OPEN && !(ws.deserializeAttachment() as ConnectionState | null)?.closing
