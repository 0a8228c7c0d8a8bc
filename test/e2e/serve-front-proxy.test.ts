import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { freePort } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { accepts, parseHead } from './helpers/sockets'

// The front proxy docs/deploy.md ships (deploy/nginx/gateway.conf), run as shipped with Debian's
// nginx in front of `gateway serve`: what workerd would answer itself gets a 400 in AWS's shape,
// everything else passes through as the client sent it.

const shipped = fileURLToPath(new URL('../../deploy/nginx/gateway.conf', import.meta.url))
const nginx = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin'].map((dir) => join(dir, 'nginx')).find((file) => existsSync(file))

const api = (port: number) => `openapi: 3.0.1
info: { title: fronted, version: '1' }
paths:
  /whoami:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '{"sourceIp": "$context.identity.sourceIp", "domainName": "$context.domainName"}'
  /items/{proxy+}:
    x-amazon-apigateway-any-method:
      parameters: [{ name: proxy, in: path, required: true }]
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: 'http://127.0.0.1:${port}/items/{proxy}'
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
  /stream:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/stream' }
  /upload:
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: 'http://127.0.0.1:${port}/upload' }
`

/** The shipped file with its two deployment-specific lines pointed at this test's ports. */
async function frontProxyConfig(listen: number, upstream: number): Promise<string> {
  const text = await readFile(shipped, 'utf8')
  const filled = text.replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${listen};`).replace(/^(\s*)server 127\.0\.0\.1:8080;$/m, `$1server 127.0.0.1:${upstream};`)
  if (filled.includes('listen 80;') || filled.includes('127.0.0.1:8080')) throw new Error(`${shipped}: listen or upstream line not found`)
  return filled
}

async function startNginx(listen: number, upstream: number): Promise<{ stop(): Promise<void> }> {
  const prefix = await mkdtemp(join(tmpdir(), 'gateway-nginx-'))
  await writeFile(join(prefix, 'gateway.conf'), await frontProxyConfig(listen, upstream))
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(prefix, t)};`).join('\n')
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${join(prefix, 'nginx.pid')};\nerror_log ${join(prefix, 'error.log')} warn;\nevents { worker_connections 256; }\nhttp {\n  access_log off;\n${temp}\n  include ${join(prefix, 'gateway.conf')};\n}\n`,
  )
  const child: ChildProcess = spawn(nginx!, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 15_000
  while (!(await accepts(listen))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    async stop() {
      child.kill('SIGTERM')
      await exited
      await rm(prefix, { recursive: true, force: true })
    },
  }
}

interface RawAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends bytes exactly as written and reads one response (the server closes or it has its length). */
function raw(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes))
    let text = ''
    const parse = (): RawAnswer | undefined => {
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return undefined
      const { status, headers } = parseHead(text.slice(0, end))
      const body = text.slice(end + 4)
      if (headers['content-length'] !== undefined && Buffer.byteLength(body) < Number(headers['content-length'])) return undefined
      return { status, headers, body }
    }
    socket.on('data', (d) => {
      text += d
      const answer = parse()
      if (answer) {
        socket.destroy()
        resolve(answer)
      }
    })
    socket.on('close', () => (parse() ? resolve(parse()!) : reject(new Error(`closed without an answer: ${JSON.stringify(text)}`))))
    socket.on('error', () => undefined)
    socket.setTimeout(15_000, () => socket.destroy())
  })
}

/**
 * Requests workerd's HTTP server answers itself or accepts ambiguously, and what it does with
 * each when nothing stands in front (checked on workerd 2026-04-26): a plain-text 500 or 400
 * without the gateway's `x-amzn-RequestId`, or the request reaching the gateway (Content-Length
 * with chunked, a folded header).
 */
const malformed: { name: string; bytes: string; direct: 'workerd 500' | 'workerd 501' | 'workerd 400' | 'reaches the gateway' }[] = [
  { name: 'GET *', bytes: 'GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', direct: 'workerd 500' },
  { name: 'OPTIONS *', bytes: 'OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', direct: 'workerd 500' },
  { name: 'an absolute-form target', bytes: 'GET http://127.0.0.1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', direct: 'workerd 500' },
  { name: 'CONNECT to an authority', bytes: 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n', direct: 'workerd 500' },
  { name: 'CONNECT to a path', bytes: 'CONNECT /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', direct: 'workerd 500' },
  { name: 'Content-Length: -1', bytes: 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n', direct: 'workerd 500' },
  { name: 'a non-numeric Content-Length', bytes: 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1e1\r\n\r\n0123456789', direct: 'workerd 500' },
  { name: 'two different Content-Lengths', bytes: 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', direct: 'workerd 500' },
  { name: 'a transfer coding other than chunked', bytes: 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: identity\r\n\r\n{}', direct: 'workerd 500' },
  {
    name: 'Content-Length with Transfer-Encoding: chunked',
    bytes: 'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    direct: 'reaches the gateway',
  },
  { name: 'HTTP/1.0 without Host', bytes: 'GET /whoami HTTP/1.0\r\n\r\n', direct: 'workerd 400' },
  { name: 'a repeated Host', bytes: 'GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: api.example.com\r\n\r\n', direct: 'workerd 500' },
  { name: 'a Host with a space in it', bytes: 'GET /whoami HTTP/1.1\r\nHost: 127.0.0.1 evil\r\n\r\n', direct: 'workerd 500' },
  { name: 'a Host with a slash in it', bytes: 'GET /whoami HTTP/1.1\r\nHost: 127.0.0.1/evil\r\n\r\n', direct: 'workerd 500' },
  { name: 'a lower-case method', bytes: 'get /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', direct: 'workerd 501' },
  { name: 'a folded header line', bytes: 'GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: one\r\n  two\r\n\r\n', direct: 'reaches the gateway' },
  { name: 'a control character in a header name', bytes: 'GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad\x01: 1\r\n\r\n', direct: 'workerd 400' },
]

describe.skipIf(!nginx)(`the nginx front proxy (deploy/nginx/gateway.conf)${nginx ? '' : ' — skipped: nginx is not installed here (apt-get install nginx; .ci/run installs it)'}`, () => {
  let f: Fixture
  let proxy: { stop(): Promise<void> }
  let proxyPort: number
  let releaseStream: () => void = () => undefined
  const uploads: { bytes: number; sha256: string; contentLength?: string; chunked: boolean }[] = []

  beforeAll(async () => {
    f = await serveWithBackend((port) => ({ 'api.yaml': api(port) }), {
      '/stream': {
        streaming: true,
        // The second part waits until the client has read the first: only a streamed response arrives in parts.
        handle: async (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' })
          res.write('first part\n')
          await new Promise<void>((resolve) => (releaseStream = resolve))
          res.end('second part\n')
        },
      },
      '/upload': (req, res, body) => {
        uploads.push({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), contentLength: req.headers['content-length'], chunked: req.headers['transfer-encoding'] === 'chunked' })
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ bytes: body.length }))
      },
    })
    proxyPort = await freePort()
    proxy = await startNginx(proxyPort, f.gateway.port)
  })
  afterAll(async () => {
    releaseStream()
    await proxy?.stop()
    await f?.stop()
  })

  it.each(malformed)('answers $name with 400 and AWS-shaped body', async ({ bytes }) => {
    const answer = await raw(proxyPort, bytes)
    expect(answer.status).toBe(400)
    expect(answer.headers['content-type']).toBe('application/json')
    expect(JSON.parse(answer.body)).toEqual({ message: 'Bad Request' })
  })

  it.each(malformed)('(why: without it, workerd meets $name as $direct)', async ({ bytes, direct }) => {
    const answer = await raw(f.gateway.port, bytes)
    if (direct === 'reaches the gateway') expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    else {
      expect(answer.status).toBe(Number(direct.slice('workerd '.length)))
      expect(answer.headers['x-amzn-requestid']).toBeUndefined()
    }
  })

  it('passes the request target through exactly as sent, as the gateway sees it directly', async () => {
    for (const path of ['/items/a/b?x=1&x=2', '/items//a/./b', '/items/a%2Fb/%7Euser', '/items/caf%C3%A9?q=%20']) {
      const direct = await rawRequest(f.gateway.url, { path })
      const directUrl = direct.status === 200 ? JSON.parse(direct.text).url : undefined
      const proxied = await rawRequest(`http://127.0.0.1:${proxyPort}`, { path })
      expect({ path, status: proxied.status, url: proxied.status === 200 ? JSON.parse(proxied.text).url : undefined }).toEqual({ path, status: direct.status, url: directUrl })
    }
  })

  it('keeps Host and sets the source IP itself, whatever CF-Connecting-IP the client sends', async () => {
    const res = await rawRequest(`http://127.0.0.1:${proxyPort}`, { path: '/whoami', headers: { host: 'api.example.com', 'cf-connecting-ip': '203.0.113.9' } })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ sourceIp: '127.0.0.1', domainName: 'api.example.com' })
  })

  it('streams a response through as the backend sends it', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, path: '/stream' }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
          if (body === 'first part\n') releaseStream()
        })
        res.on('end', () => resolve(body))
      })
      req.on('error', reject)
      req.setTimeout(30_000, () => req.destroy(new Error('timed out: the first part never arrived alone')))
      req.end()
    })
    expect(text).toBe('first part\nsecond part\n')
  })

  it('passes a 9 MB body and a chunked upload through whole; an 11 MB one gets the gateway 413', async () => {
    const nine = Buffer.alloc(9 * 1024 * 1024, 'x')
    const big = await rawRequest(`http://127.0.0.1:${proxyPort}`, { method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream' }, body: nine })
    expect(big.status).toBe(200)
    expect(uploads.at(-1)).toEqual({ bytes: nine.length, sha256: createHash('sha256').update(nine).digest('hex'), contentLength: String(nine.length), chunked: false })

    const part = Buffer.alloc(256 * 1024, 'y')
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxyPort, method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode!))
      })
      req.on('error', reject)
      for (let i = 0; i < 4; i++) req.write(part)
      req.end()
    })
    expect(chunked).toBe(200)
    // The gateway gathers a chunked upload and sends the backend a Content-Length, as AWS does.
    expect(uploads.at(-1)).toMatchObject({ bytes: 4 * part.length, contentLength: String(4 * part.length), chunked: false })

    const count = uploads.length
    const tooBig = await rawRequest(`http://127.0.0.1:${proxyPort}`, { method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(11 * 1024 * 1024, 'z') })
    expect(tooBig.status).toBe(413)
    expect(tooBig.headers['x-amzn-errortype']).toBe('RequestTooLargeException')
    expect(JSON.parse(tooBig.text)).toEqual({ message: 'Request Too Long' })
    expect(uploads.length).toBe(count)
  })
})
