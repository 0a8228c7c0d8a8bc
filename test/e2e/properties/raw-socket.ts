import { connect } from 'node:net'

export interface Sent {
  /** Sent as written: `get`, `PROPFIND` and the like are not checked or upper-cased. */
  method: string
  /** The request target exactly as it goes on the wire (UTF-8), with no normalisation. */
  target: string
  /** Name and value pairs in order, names in the case given. */
  headers: [string, string][]
  body?: Buffer
}

export interface Reply {
  status: number
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>
  body: Buffer
}

/**
 * One HTTP/1.1 request over a fresh TCP connection, written byte for byte: unlike `fetch`
 * (which resolves dot segments and re-encodes) and `node:http` (which upper-cases the method
 * and refuses some targets), nothing between the generator and the gateway changes the request.
 * @example const reply = await sendRaw(port, { method: 'get', target: '/dev/a/%2e%2e/b', headers: [['Host', 'x']] })
 */
export function sendRaw(port: number, sent: Sent, timeoutMs = 10_000): Promise<Reply> {
  const body = sent.body ?? Buffer.alloc(0)
  const lines = [`${sent.method} ${sent.target} HTTP/1.1`, ...sent.headers.map(([n, v]) => `${n}: ${v}`), 'Connection: close']
  if (body.length > 0 || !['GET', 'HEAD'].includes(sent.method)) lines.push(`Content-Length: ${body.length}`)
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8')
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no complete answer within ${timeoutMs} ms to ${sent.method} ${sent.target}`)))
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    // Connection: close, so the answer is complete when the gateway closes its side.
    socket.on('end', () => {
      try {
        resolve(parseReply(Buffer.concat(chunks), sent.method.toUpperCase() === 'HEAD'))
      } catch (e) {
        reject(e)
      }
    })
    socket.end(Buffer.concat([head, body]))
  })
}

function parseReply(raw: Buffer, isHead: boolean): Reply {
  const end = raw.indexOf('\r\n\r\n')
  if (end === -1) throw new Error(`no complete response head in ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`)
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1])
  if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`)
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  const rest = raw.subarray(end + 4)
  if (isHead) return { status, headers, body: Buffer.alloc(0) }
  const body = /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(rest) : rest
  return { status, headers, body }
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at)
    if (lineEnd === -1) throw new Error('truncated chunked body')
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16)
    if (Number.isNaN(size)) throw new Error('bad chunk size')
    if (size === 0) return Buffer.concat(parts)
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}
