import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'

export interface RawResponse {
  status: number
  /** The reason phrase of the status line. */
  statusMessage: string
  headers: IncomingHttpHeaders
  /** Header names exactly as the server sent them, in order. */
  rawHeaders: string[]
  body: Buffer
  text: string
}

/**
 * Sends one HTTP/1.1 request with the path exactly as given (no URL normalisation:
 * `//`, `%zz` and the like reach the server as written).
 */
export function rawRequest(
  base: string,
  req: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer | null; timeoutMs?: number },
): Promise<RawResponse> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: hostname, port, method: req.method ?? 'GET', path: req.path, headers: req.headers, setHost: !hasHost(req.headers), agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({ status: res.statusCode!, statusMessage: res.statusMessage ?? '', headers: res.headers, rawHeaders: res.rawHeaders, body, text: body.toString('utf8') })
        })
        res.on('error', reject)
      },
    )
    r.setTimeout(req.timeoutMs ?? 30_000, () => r.destroy(new Error('request timed out')))
    r.on('error', reject)
    if (req.body !== undefined && req.body !== null) r.write(req.body)
    r.end()
  })
}

const hasHost = (headers?: Record<string, string>) => Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'host')
