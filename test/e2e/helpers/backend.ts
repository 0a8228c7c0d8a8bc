import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

export interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

export interface Backend {
  url: string
  port: number
  /** Every request the backend has seen, oldest first. */
  received: Received[]
  close(): Promise<void>
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>

/**
 * A real HTTP backend on 127.0.0.1. By default it echoes the request as JSON
 * ({ method, url, headers, body }); `routes` handle chosen path prefixes themselves.
 * A route may read the request body itself by setting `streaming: true`.
 */
export async function startBackend(routes: Record<string, Handler | { streaming: true; handle: Handler }> = {}): Promise<Backend> {
  const received: Received[] = []
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/'
    const entry = Object.entries(routes).find(([prefix]) => path.startsWith(prefix))?.[1]
    if (entry && 'streaming' in entry) {
      received.push({ method: req.method!, url: path, headers: req.headers, body: Buffer.alloc(0) })
      return entry.handle(req, res, Buffer.alloc(0))
    }
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    received.push({ method: req.method!, url: path, headers: req.headers, body })
    if (entry) return (entry as Handler)(req, res, body)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ method: req.method, url: path, headers: req.headers, body: body.toString('utf8') }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
