import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'
import { awsServices } from './aws-services'
import { conformanceFunctions, harnessAwsCredentials } from './lambda-functions'
import { defaultHarnessValues } from './to-openapi'

/**
 * The integration backends the HTTP / HTTP_PROXY conformance cases were recorded against
 * (conformance/README.md, "Backends"), as real HTTP servers on 127.0.0.1, one per backend id,
 * each on its own random port. Every request is recorded so a case can check what the
 * integration endpoint saw (`expected.backendReceived`).
 */

export type BackendId = 'http-echo-httpbin' | 'http-echo-lambda-url' | 'http-status-echo' | 'http-status-echo-json' | 'aws'

export interface ReceivedRequest {
  backend: BackendId
  method: string
  /** The request target's path, exactly as received (no decoding), without the query string. */
  path: string
  /** Decoded query parameters, name → every value in order. */
  query: Record<string, string[]>
  /** Header `[name, value]` pairs with the casing and order they had on the wire. */
  headers: [string, string][]
  body: Buffer
  /** What an AWS service backend made of the request (e.g. SQS's `MessageBody`), for `backendReceived`. */
  fields?: Record<string, unknown>
}

export interface Backends {
  /** Base URL of each backend, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  urls: Record<BackendId, string>
  /** The last request that carried `x-amzn-apigateway-api-id: apiId`, else the last request any backend received. */
  received(apiId: string): ReceivedRequest | undefined
  /** Forgets every recorded request (call before each case). */
  reset(): void
  stop(): Promise<void>
}

type Handler = (req: IncomingMessage, received: ReceivedRequest, res: ServerResponse) => void

const handlers: Record<BackendId, Handler> = {
  'http-echo-httpbin': httpbin,
  'http-echo-lambda-url': lambdaUrlEcho,
  'http-status-echo': (_req, r, res) => statusEcho(r, res, false),
  'http-status-echo-json': (_req, r, res) => statusEcho(r, res, true),
  aws: awsBackend(),
}

/** Lambda, SQS and DynamoDB as the AWS cases need them (aws-services.ts), checking every signature. */
function awsBackend(): Handler {
  const { account, queue, table } = defaultHarnessValues
  const answer = awsServices({
    keys: new Map([[harnessAwsCredentials.accessKeyId, { secretAccessKey: harnessAwsCredentials.secretAccessKey }]]),
    functions: conformanceFunctions,
    queues: [`${account}/${queue}`],
    tables: { [table]: ['test', 'test2', 'test 3'].map((id) => ({ id: { S: id } })) },
  })
  return (req, r, res) => {
    void answer({ method: r.method, target: req.url ?? '/', headers: r.headers, body: r.body }, res).then((call) => {
      r.fields = call.fields
      if (call.status === 403) console.log(`aws backend refused a request: ${JSON.stringify(call)}`)
    })
  }
}

/**
 * Starts every backend on 127.0.0.1.
 * @example
 * const backends = await startBackends()
 * backends.urls['http-echo-httpbin'] // 'http://127.0.0.1:40123'
 * await backends.stop()
 */
export async function startBackends(): Promise<Backends> {
  const byApiId = new Map<string, ReceivedRequest>()
  let last: ReceivedRequest | undefined
  const record = (r: ReceivedRequest) => {
    last = r
    const apiId = header(r, 'x-amzn-apigateway-api-id')
    if (apiId !== undefined) byApiId.set(apiId, r)
  }

  const servers: Server[] = []
  const urls = {} as Record<BackendId, string>
  for (const id of Object.keys(handlers) as BackendId[]) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const received = parseRequest(id, req, Buffer.concat(chunks))
        record(received)
        try {
          handlers[id](req, received, res)
        } catch (e) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e))
        }
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    servers.push(server)
    urls[id] = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  }

  return {
    urls,
    received: (apiId) => byApiId.get(apiId) ?? last,
    reset() {
      byApiId.clear()
      last = undefined
    },
    async stop() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve())
              s.closeAllConnections()
            }),
        ),
      )
    },
  }
}

/** Case-insensitive header lookup; repeated headers are joined with `, `. */
export function header(r: Pick<ReceivedRequest, 'headers'>, name: string): string | undefined {
  const values = r.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v)
  return values.length > 0 ? values.join(', ') : undefined
}

function parseRequest(backend: BackendId, req: IncomingMessage, body: Buffer): ReceivedRequest {
  const target = req.url ?? '/'
  const q = target.indexOf('?')
  const query: Record<string, string[]> = {}
  if (q !== -1) for (const [k, v] of new URLSearchParams(target.slice(q + 1))) (query[k] ??= []).push(v)
  const headers: [string, string][] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]])
  return { backend, method: req.method ?? 'GET', path: q === -1 ? target : target.slice(0, q), query, headers, body }
}

// Both recorded backends sat behind a front end (httpbin.org's load balancer, the Lambda URL
// service) that consumes connection-management headers, so their echoes never show them.
const hopByHop = new Set(['connection', 'keep-alive'])

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}, pretty = false) {
  // httpbin (Flask) pretty-prints; Lambda returns JSON.stringify's compact form.
  const body = Buffer.from(pretty ? JSON.stringify(value, null, 2) + '\n' : JSON.stringify(value))
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(body.length), Connection: 'keep-alive' })
  res.end(body)
}

const httpbinMethodRoutes: Record<string, string[]> = {
  '/get': ['GET', 'HEAD'],
  '/post': ['POST'],
  '/put': ['PUT'],
  '/patch': ['PATCH'],
  '/delete': ['DELETE'],
}

/**
 * httpbin (gunicorn 19.9.0): `/get`, `/post`, `/put`, `/patch`, `/delete` (405 for another method),
 * `/anything[/…]` and `/status/N`. Any other path echoes like `/anything`, since cases point
 * integrations at the bare backend URL.
 */
function httpbin(req: IncomingMessage, r: ReceivedRequest, res: ServerResponse) {
  const cors = {
    'Access-Control-Allow-Origin': header(r, 'origin') ?? '*',
    'Access-Control-Allow-Credentials': 'true',
    Server: 'gunicorn/19.9.0',
  }
  const allowed = httpbinMethodRoutes[r.path]
  if (allowed && !allowed.includes(r.method)) {
    res.writeHead(405, { ...cors, 'Content-Type': 'text/html', Allow: [...allowed, 'OPTIONS'].join(', '), Connection: 'keep-alive' })
    res.end('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>405 Method Not Allowed</title>\n')
    return
  }
  const status = /^\/status\/(\d{3})$/.exec(r.path)
  if (status) {
    res.writeHead(Number(status[1]), { ...cors, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': '0', Connection: 'keep-alive' })
    res.end()
    return
  }

  const args = Object.fromEntries(Object.entries(r.query).map(([k, v]) => [k, v.length === 1 ? v[0] : v]))
  const headers: Record<string, string> = {}
  for (const [name, value] of r.headers) {
    if (hopByHop.has(name.toLowerCase())) continue
    const title = name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
    headers[title] = headers[title] === undefined ? value : `${headers[title]},${value}`
  }
  const contentType = header(r, 'content-type') ?? ''
  const text = utf8(r.body)
  const isForm = /^application\/x-www-form-urlencoded/i.test(contentType)
  const form: Record<string, string | string[]> = {}
  if (isForm && text !== undefined) {
    for (const [k, v] of new URLSearchParams(text)) form[k] = form[k] === undefined ? v : [form[k], v].flat()
  }
  let json: unknown = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  const host = header(r, 'host') ?? req.headers.host ?? ''
  sendJson(
    res,
    200,
    {
      args,
      data: isForm ? '' : text ?? `data:application/octet-stream;base64,${r.body.toString('base64')}`,
      files: {},
      form,
      headers,
      json,
      origin: header(r, 'x-forwarded-for') ?? req.socket.remoteAddress ?? '',
      url: `http://${host}${req.url ?? '/'}`,
    },
    cors,
    true,
  )
}

/** A Lambda function URL returning `{args, data, domain, headers, method, origin, path}`. */
function lambdaUrlEcho(req: IncomingMessage, r: ReceivedRequest, res: ServerResponse) {
  const headers: Record<string, string> = {}
  for (const [name, value] of r.headers) {
    const lower = name.toLowerCase()
    if (hopByHop.has(lower)) continue
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`
  }
  const text = utf8(r.body)
  const requestId = randomUUID()
  sendJson(
    res,
    200,
    {
      args: Object.fromEntries(Object.entries(r.query).map(([k, v]) => [k, v.join(',')])),
      data: text ?? r.body.toString('base64'),
      domain: (headers.host ?? '').replace(/:\d+$/, ''),
      headers,
      method: r.method,
      origin: req.socket.remoteAddress ?? '',
      path: r.path,
    },
    {
      'x-amzn-RequestId': requestId,
      ...(headers['x-amzn-trace-id'] ? { 'X-Amzn-Trace-Id': headers['x-amzn-trace-id'] } : {}),
    },
  )
}

/** Answers with the status code named by the last path segment (`/status/404` → 404). */
function statusEcho(r: ReceivedRequest, res: ServerResponse, json: boolean) {
  const code = Number(r.path.split('/').filter(Boolean).pop())
  const status = Number.isInteger(code) && code >= 200 && code <= 599 ? code : 400
  const noBody = status === 204 || status === 304
  if (json && !noBody) return sendJson(res, status, { message: '', status_code: status })
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': '0', Connection: 'keep-alive' })
  res.end()
}

function utf8(body: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    return undefined
  }
}
