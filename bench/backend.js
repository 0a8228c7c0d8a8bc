/**
 * The benchmark's echo backend: a node:http server on 127.0.0.1 that answers
 * `GET /echo/...` with a small fixed-size JSON body (about 100 bytes) over keep-alive.
 * Every target in bench/run.js ends here, so each pays the same backend cost.
 *
 * @example
 *   node bench/backend.js 0   # port 0 picks a free port; prints `ready http://127.0.0.1:PORT`
 */
import { createServer } from 'node:http'

const port = Number(process.argv[2] ?? 0)

const server = createServer((req, res) => {
  if (req.method !== 'GET' || !req.url.startsWith('/echo/')) {
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': '21' })
    res.end('{"message":"no such"}')
    return
  }
  const body = JSON.stringify({ message: 'hello from the benchmark echo backend', method: req.method, path: req.url, ok: true })
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
// Longer than any run, so wrk's and the proxies' connections are never closed under them.
server.keepAliveTimeout = 120_000
server.headersTimeout = 125_000

server.listen(port, '127.0.0.1', () => {
  console.log(`ready http://127.0.0.1:${server.address().port}`)
})
process.on('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
