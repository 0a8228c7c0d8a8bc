import WebSocket from 'ws'

/** A connected client that records every text frame and how it closed. */
export interface Client {
  ws: WebSocket
  frames: string[]
  closed: Promise<{ code: number; reason: string }>
  /** Resolves with the next frame that arrives (or one already waiting past `from`). */
  next(timeoutMs?: number): Promise<string>
  send(data: unknown): void
}

/**
 * Opens a WebSocket with the `ws` client; resolves to the client, or to the HTTP status
 * when the gateway refuses the upgrade.
 * @example const c = await open('ws://127.0.0.1:8787/dev'); if ('status' in c) …
 */
export function open(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}): Promise<Client | { status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols, options)
    const frames: string[] = []
    let read = 0
    const waiting: ((frame: string) => void)[] = []
    ws.on('message', (data) => {
      frames.push(String(data))
      const w = waiting.shift()
      if (w) w(frames[read++])
    })
    const closed = new Promise<{ code: number; reason: string }>((done) => ws.on('close', (code, reason) => done({ code, reason: String(reason) })))
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers })
      res.resume()
    })
    ws.on('error', (e) => reject(e))
    ws.on('open', () =>
      resolve({
        ws,
        frames,
        closed,
        send: (data) => ws.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data)),
        next: (timeoutMs = 10_000) =>
          read < frames.length
            ? Promise.resolve(frames[read++])
            : new Promise((ok, fail) => {
                const timer = setTimeout(() => fail(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs)
                waiting.push((f) => {
                  clearTimeout(timer)
                  ok(f)
                })
              }),
      }),
    )
  })
}

/** Opens a connection that must be accepted. */
export async function connected(url: string, options?: Parameters<typeof open>[1]): Promise<Client> {
  const c = await open(url, options)
  if ('status' in c) throw new Error(`upgrade refused with ${c.status}`)
  return c
}

/** Polls until `check` holds (bounded), for effects that happen after a close. */
export async function eventually<T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}
