import { createServer, type AddressInfo } from 'node:net'

/** A listening TCP socket this process opened, to hand to workerd as an open descriptor. */
export interface ListeningSocket {
  fd: number
  /** The port bound (the one asked for, or the one the system chose for port 0). */
  port: number
  /** Closes this process's copy; a child that inherited the descriptor keeps listening. */
  close(): void
}

/** A socket that cannot be opened, with a one-line reason for the operator. */
export class ListenError extends Error {}

/**
 * Binds and listens on host:port here, before workerd starts: a taken port is an error before
 * anything says `ready`, and workerd then serves on exactly this socket (`--socket-fd`), so no
 * other process can hold the port in between.
 * @example
 * const socket = await listenOn('127.0.0.1', 8080)
 * spawn(workerd, ['serve', config, '--socket-fd=http=3'], { stdio: ['ignore', 'inherit', 'inherit', socket.fd] })
 * socket.close()
 */
export function listenOn(host: string, port: number): Promise<ListeningSocket> {
  const server = createServer()
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ListenError(reason(e, host, port))))
    server.listen({ host, port }, () => {
      // Node offers no public accessor for a server's descriptor; the handle's `fd` (POSIX) is it.
      const { fd } = (server as unknown as { _handle: { fd: number } })._handle
      resolve({ fd, port: (server.address() as AddressInfo).port, close: () => server.close() })
    })
  })
}

function reason(e: NodeJS.ErrnoException, host: string, port: number): string {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`
  switch (e.code) {
    case 'EADDRINUSE':
      return `${address} is already in use`
    case 'EACCES':
      return `${address}: permission denied (ports below 1024 need privileges)`
    case 'EADDRNOTAVAIL':
      return `${address}: not an address of this machine`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${host}: unknown host`
    default:
      return `${address}: ${e.message}`
  }
}
