import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMetricsFromIterator, type PromData } from 'prom2javascript'
import { serveWithBackend, type Fixture } from './helpers/fixture'
import { freePort } from './helpers/gateway'

/**
 * Access-log lines POSTed to HTTP log sinks (real Node servers on 127.0.0.1) by `gateway serve`:
 * a working sink gets every line; a sink that is down, answers 500 or never answers loses lines,
 * counted exactly in `AccessLogDropped`, and the requests are answered as usual meanwhile.
 */

const ADMIN = 'e2e-access-log-sink-admin'

interface Sink {
  url: string
  /** Bodies received, by path. */
  posts: { path: string; contentType?: string; body: string }[]
  /** Requests the sink holds without answering. */
  held: ServerResponse[]
  server: Server
}

async function startSink(answer: (req: IncomingMessage, res: ServerResponse, sink: Sink) => void): Promise<Sink> {
  const sink: Sink = { url: '', posts: [], held: [], server: undefined as unknown as Server }
  sink.server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    sink.posts.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') })
    answer(req, res, sink)
  })
  await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve))
  sink.url = `http://127.0.0.1:${(sink.server.address() as { port: number }).port}`
  return sink
}

const closeSink = (sink: Sink) =>
  new Promise<void>((resolve) => {
    sink.server.closeAllConnections()
    sink.server.close(() => resolve())
  })

const stage = (destination?: string) => `
      accessLogSettings:
        format: 'SINK $context.requestId $context.stage $context.status $context.resourcePath'${destination ? `\n        destinationUrl: '${destination}'` : ''}`

const api = (port: number, sinks: Record<string, string | undefined>) => `openapi: 3.0.1
info: { title: sunk, version: '1' }
x-gateway:
  apiId: sunk
  stages:${Object.entries(sinks)
    .map(([name, url]) => `\n    ${name}:${stage(url)}`)
    .join('')}
paths:
  /ok:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:${port}/ok' }
`

let fixture: Fixture
let good: Sink
let failing: Sink
let hanging: Sink
let downUrl: string

beforeAll(async () => {
  good = await startSink((_req, res) => res.end())
  failing = await startSink((_req, res) => {
    res.statusCode = 500
    res.end('sink broken')
  })
  hanging = await startSink((_req, res, sink) => sink.held.push(res))
  downUrl = `http://127.0.0.1:${await freePort()}/logs`
  fixture = await serveWithBackend(
    (port) => ({
      'sunk.yaml': api(port, {
        good: `${good.url}/from-stage`,
        fromenv: undefined,
        down: downUrl,
        refusing: `${failing.url}/logs`,
        hanging: `${hanging.url}/logs`,
      }),
    }),
    {},
    { GATEWAY_ADMIN_TOKEN: ADMIN, GATEWAY_ACCESS_LOG_URL: `${good.url}/from-env` },
  )
})

afterAll(async () => {
  await fixture?.stop()
  for (const sink of [good, failing, hanging]) if (sink) await closeSink(sink)
})

/** A request through the gateway: its status and request id, within a generous timeout. */
async function call(stageName: string) {
  const res = await fetch(`${fixture.gateway.url}/${stageName}/ok`, { signal: AbortSignal.timeout(10_000) })
  await res.arrayBuffer()
  return { status: res.status, requestId: res.headers.get('x-amzn-requestid')! }
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const admin = (path: string) => fetch(`${fixture.gateway.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })

/** `AccessLogDropped` of a stage in `/_gateway/metrics` (0 before any drop). */
async function dropped(stageName: string): Promise<number> {
  const { metrics } = (await (await admin('/_gateway/metrics')).json()) as { metrics: { metricName: string; dimensions: Record<string, string>; total: { Sum: number } }[] }
  return metrics.find((m) => m.metricName === 'AccessLogDropped' && m.dimensions.Stage === stageName && m.dimensions.ApiName === 'sunk')?.total.Sum ?? 0
}

const sinkLines = (sink: Sink, path: string) => sink.posts.filter((p) => p.path === path).flatMap((p) => p.body.split('\n').filter(Boolean))
const streakLogs = (url: string) => fixture.gateway.output().split('\n').filter((l) => l.includes(`access log sink ${url}:`) && l.includes('dropping lines'))

describe('HTTP access-log sink', () => {
  it('POSTs every line, as formatted, to the stage destinationUrl; GATEWAY_ACCESS_LOG_URL serves stages without one', async () => {
    const staged = [await call('good'), await call('good'), await call('good')]
    const fromEnv = [await call('fromenv'), await call('fromenv')]
    expect([...staged, ...fromEnv].map((r) => r.status)).toEqual([200, 200, 200, 200, 200])
    const stageLines = await until(() => sinkLines(good, '/from-stage'), (l) => l.length >= 3)
    const envLines = await until(() => sinkLines(good, '/from-env'), (l) => l.length >= 2)
    expect(stageLines).toEqual(staged.map((r) => `SINK ${r.requestId} good 200 /ok`))
    expect(envLines).toEqual(fromEnv.map((r) => `SINK ${r.requestId} fromenv 200 /ok`))
    expect(good.posts[0].contentType).toBe('text/plain; charset=utf-8')
    // The lines still reach the Worker's log too.
    for (const r of staged) expect(fixture.gateway.output()).toContain(`SINK ${r.requestId} good 200 /ok`)
    expect(await dropped('good')).toBe(0)
  })

  for (const [name, reason] of [
    ['down', 'unreachable'],
    ['refusing', 'answered 500'],
  ] as const) {
    it(`a ${name} sink: requests answered as usual, each lost line counted once, the reason logged once per streak`, async () => {
      const url = name === 'down' ? downUrl : `${failing.url}/logs`
      expect(await dropped(name)).toBe(0)
      const first = [await call(name), await call(name)]
      expect(first.map((r) => r.status)).toEqual([200, 200])
      expect(await until(() => dropped(name), (n) => n >= 2)).toBe(2)
      // A second batch in the same streak: counted, not logged again.
      const second = [await call(name), await call(name), await call(name)]
      expect(second.map((r) => r.status)).toEqual([200, 200, 200])
      expect(await until(() => dropped(name), (n) => n >= 5)).toBe(5)
      const logged = streakLogs(url)
      expect(logged).toHaveLength(1)
      expect(logged[0]).toContain(reason)
      if (name === 'refusing') expect(sinkLines(failing, '/logs')).toEqual([...first, ...second].map((r) => `SINK ${r.requestId} refusing 200 /ok`))
    })
  }

  it('a sink that never answers: requests are answered while its POST hangs, and the lines are dropped after the timeout', async () => {
    const first = await call('hanging')
    expect(first.status).toBe(200)
    await until(() => hanging.held.length, (n) => n >= 1)
    expect(hanging.held).toHaveLength(1)
    // The sink holds the batch unanswered; requests meanwhile are answered as usual.
    const during = [await call('hanging'), await call('hanging'), await call('hanging')]
    expect(during.map((r) => r.status)).toEqual([200, 200, 200])
    expect(hanging.held.every((res) => !res.writableEnded)).toBe(true)
    expect(await until(() => dropped('hanging'), (n) => n >= 4)).toBe(4)
    expect(streakLogs(`${hanging.url}/logs`)[0]).toContain('no answer within 3000 ms')
    expect(sinkLines(hanging, '/logs')).toEqual([first, ...during].map((r) => `SINK ${r.requestId} hanging 200 /ok`))
  })

  it('Prometheus text reports the drops as apigateway_access_log_dropped_total per stage', async () => {
    const res = await admin('/_gateway/metrics/prometheus')
    const families = await getMetricsFromIterator((await res.text()).split('\n')[Symbol.iterator]())
    const family = families['apigateway_access_log_dropped_total']
    expect(family?.type).toBe('counter')
    const value = (stageName: string) => (family.data as PromData[]).find((d) => d.labels.stage === stageName && d.labels.api_name === 'sunk')?.value
    expect(value('down')).toBe(5)
    expect(value('refusing')).toBe(5)
    expect(value('hanging')).toBe(4)
    expect(value('good')).toBeUndefined()
  })
})
