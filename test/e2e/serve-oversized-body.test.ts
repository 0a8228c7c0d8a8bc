import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { parseHead } from './helpers/sockets'

// A client that declares an 11 MB body and sends it without waiting for `100 Continue` must read
// AWS's 413, not a reset: workerd closes a connection whose request body is left unread.

const api = (port: number) => `openapi: 3.0.1
info: { title: uploads, version: '1' }
paths:
  /mock:
    post:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"mock": true}' } } }
  /upload:
    post:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: 'http://127.0.0.1:${port}/upload' }
`

interface Answer {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * Writes `requests` (head and body) on one raw socket as fast as it takes them, without waiting
 * for anything, and parses the Content-Length-framed responses. Fails on a reset.
 */
function exchange(port: number, requests: { head: string; body: Buffer }[], expected: number): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = Buffer.alloc(0)
    const answers: Answer[] = []
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      for (;;) {
        const end = received.indexOf('\r\n\r\n')
        if (end === -1) return
        const { status, headers } = parseHead(received.subarray(0, end).toString('latin1'))
        const length = Number(headers['content-length'])
        if (received.length < end + 4 + length) return
        answers.push({ status, headers, body: received.subarray(end + 4, end + 4 + length).toString('utf8') })
        received = received.subarray(end + 4 + length)
        if (answers.length === expected) {
          socket.end()
          resolve(answers)
        }
      }
    })
    socket.on('error', (e) => reject(new Error(`${(e as NodeJS.ErrnoException).code ?? e.message} after ${answers.length} answers`)))
    socket.on('close', () => reject(new Error(`connection closed after ${answers.length} of ${expected} answers`)))
    socket.setTimeout(60_000, () => socket.destroy(new Error('timed out')))
    for (const { head, body } of requests) {
      socket.write(head)
      socket.write(body)
    }
  })
}

const post = (path: string, body: Buffer, extra = '') => ({
  head: `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${extra}\r\n`,
  body,
})
const elevenMB = Buffer.alloc(11 * 1024 * 1024, 'a')
const tooLarge = { status: 413, errorType: 'RequestTooLargeException', body: { message: 'Request Too Long' } }

describe('an oversized body sent without waiting for 100-continue', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await serveWithBackend((port) => ({ 'uploads.yaml': api(port) }))
  })
  afterAll(() => f?.stop())

  it.each(['/mock', '/upload'])('%s: the client reads the complete 413 with AWS body, and the connection serves the next request', async (path) => {
    const received = f.backend.received.length
    const [first, second] = await exchange(f.gateway.port, [post(path, elevenMB), post('/mock', Buffer.from('{}'))], 2)
    expect({ status: first.status, errorType: first.headers['x-amzn-errortype'], body: JSON.parse(first.body) }).toEqual(tooLarge)
    expect(first.headers['content-type']).toBe('application/json')
    expect(second.status).toBe(200)
    expect(JSON.parse(second.body)).toEqual({ mock: true })
    // Refused before the integration: the backend never saw it.
    expect(f.backend.received.length).toBe(received)
  })

  it('does not ask for a body the client holds back for 100-continue: the 413 comes first', async () => {
    const socket = connect({ host: '127.0.0.1', port: f.gateway.port })
    const head = `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${elevenMB.length}\r\nExpect: 100-continue\r\n\r\n`
    const answer = await new Promise<string>((resolve, reject) => {
      let text = ''
      socket.on('data', (d) => {
        text += d
        if (text.includes('\r\n\r\n') && text.endsWith('}')) resolve(text)
      })
      socket.on('error', reject)
      socket.setTimeout(30_000, () => reject(new Error(`timed out with ${JSON.stringify(text)}`)))
      socket.write(head)
    })
    socket.destroy()
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
    expect(answer).not.toMatch(/100 Continue/)
    expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe('{"message": "Request Too Long"}')
  })
})
