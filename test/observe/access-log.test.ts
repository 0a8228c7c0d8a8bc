import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compileDefinitions, compileOrThrow } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'
import { createGateway } from '../../src/app'
import { compileAccessLogFormat } from '../../src/observe/access-log/format'
import type { Env } from '../../src/env'

/** AWS's console presets, as written there (../shared/spec §10.2 and DG/set-up-logging). */
const presets = {
  clf: '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId',
  json: '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
  xml: '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
  csv: '$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId',
  timings: '$context.requestId $context.status $context.responseLatency $context.integrationLatency $context.integration.latency $context.integration.status $context.error.responseType $context.error.messageString $context.xrayTraceId',
}

const definition = (format: string, tracing = false) => `openapi: 3.0.1
info: { title: logged, version: '1' }
x-gateway:
  apiId: logged
  stages:
    prod:
      tracingEnabled: ${tracing}
      accessLogSettings: { format: '${format.replaceAll("'", "''")}', destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:access' }
    quiet: {}
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"id": 1}' } } }
`

async function logLines(format: string, paths: string[], headers: Record<string, string> = {}, tracing = false): Promise<string[]> {
  const app = createGateway(compileOrThrow([{ file: 'routes/logged.yaml', text: definition(format, tracing) }]))
  const log = vi.spyOn(console, 'log').mockImplementation(() => {})
  log.mockClear()
  for (const path of paths) {
    const ctx = createExecutionContext()
    const res = await app.fetch(new Request(`http://gw.example.com${path}`, { headers: { 'cf-connecting-ip': '203.0.113.9', ...headers } }), env as Env, ctx)
    await res.arrayBuffer()
    await waitOnExecutionContext(ctx)
  }
  return log.mock.calls.flatMap((args) => String(args[0]).split('\n'))
}

afterEach(() => vi.restoreAllMocks())

describe('access logs in the stage format', () => {
  it('writes AWS CLF with unset variables as -', async () => {
    const [line] = await logLines(presets.clf, ['/prod/pets/7'])
    expect(line).toMatch(/^203\.0\.113\.9 - - \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/pets\/\{id\} HTTP\/1\.1" 200 \d+ [0-9a-f-]{36} \S{16}$/)
  })

  it('writes the JSON preset as one parseable object per request', async () => {
    const lines = await logLines(presets.json, ['/prod/pets/1', '/prod/pets/2'])
    expect(lines).toHaveLength(2)
    const entry = JSON.parse(lines[0])
    expect(entry).toMatchObject({ ip: '203.0.113.9', caller: '-', user: '-', httpMethod: 'GET', resourcePath: '/pets/{id}', status: '200', protocol: 'HTTP/1.1' })
    expect(entry.requestId).not.toBe(JSON.parse(lines[1]).requestId)
  })

  it('writes the XML and CSV presets', async () => {
    const [xml] = await logLines(presets.xml, ['/prod/pets/1'])
    expect(xml).toMatch(/^<request id="[0-9a-f-]{36}"> <ip>203\.0\.113\.9<\/ip> <caller>-<\/caller> .*<status>200<\/status> <protocol>HTTP\/1\.1<\/protocol> <responseLength>\d+<\/responseLength> <\/request>$/)
    const [csv] = await logLines(presets.csv, ['/prod/pets/1'])
    expect(csv.split(',')).toEqual(['203.0.113.9', '-', '-', expect.stringMatching(/\+0000$/), 'GET', '/pets/{id}', 'HTTP/1.1', '200', expect.stringMatching(/^\d+$/), expect.stringMatching(/^[0-9a-f-]{36}$/)])
  })

  it('logs gateway errors with their response type, and the integration timings of served requests', async () => {
    const [served, missing] = await logLines(presets.timings, ['/prod/pets/1', '/prod/nothing-here'])
    const [, status, responseLatency, integrationLatency, integrationLatency2, integrationStatus, responseType, messageString, traceId] = served.split(' ')
    expect(status).toBe('200')
    expect(Number(responseLatency)).toBeGreaterThanOrEqual(Number(integrationLatency))
    expect(integrationLatency2).toBe(integrationLatency)
    expect(integrationStatus).toBe('200')
    expect([responseType, messageString, traceId]).toEqual(['-', '-', '-'])
    expect(missing.split(' ').slice(1, 7)).toEqual(['403', expect.stringMatching(/^\d+$/), '-', '-', '-', 'MISSING_AUTHENTICATION_TOKEN'])
    expect(missing).toContain('"Missing Authentication Token"')
  })

  it('logs the X-Ray trace id with tracingEnabled: the client\'s Root, else the one integrations get', async () => {
    const root = '1-5f84c7a0-0123456789abcdef01234567'
    const [given] = await logLines(presets.timings, ['/prod/pets/1'], { 'x-amzn-trace-id': `Root=${root};Sampled=1` }, true)
    expect(given.split(' ').at(-1)).toBe(root)
    const [generated] = await logLines(presets.timings, ['/prod/pets/1'], {}, true)
    expect(generated.split(' ').at(-1)).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/)
  })

  it('writes nothing for a stage without accessLogSettings', async () => {
    expect(await logLines(presets.clf, ['/quiet/pets/1'])).toEqual([])
  })

  it('escapes control characters, so a value never starts a second line', () => {
    const format = compileAccessLogFormat('$context.requestId "$context.identity.userAgent"', (name) => () => (name === 'requestId' ? 'r1' : 'evil\nfake line\x7f'))
    const line = format({})
    expect(line).toBe('r1 "evil\\x0afake line\\x7f"')
  })
})

describe('validate refuses bad access-log formats', () => {
  const errorsOf = (format: string) => compileDefinitions([{ file: 'routes/logged.yaml', text: definition(format) }]).errors.map(formatError)
  const at = 'routes/logged.yaml: $["x-gateway"].stages.prod.accessLogSettings.format'

  it('accepts every AWS preset as written', () => {
    for (const format of Object.values(presets)) expect(errorsOf(format)).toEqual([])
    expect(errorsOf('$context.requestId $context.authorizer.claims.cognito:groups $context.authorizer.tier $context.identity.clientCert.validity.notAfter')).toEqual([])
  })

  it('names an unknown $context variable', () => {
    expect(errorsOf('$context.requestId $context.statusCode $context.identity.nope')).toEqual([
      expect.stringContaining(`${at}: unknown $context variable $context.statusCode`),
      expect.stringContaining(`${at}: unknown $context variable $context.identity.nope`),
    ])
  })

  it('refuses a format over 3 KB, one without a request id, and one of several lines', () => {
    expect(errorsOf(`$context.requestId ${'x'.repeat(3 * 1024)}`)).toEqual([expect.stringContaining(`${at}: is 3091 bytes; AWS allows at most 3072`)])
    expect(errorsOf('$context.status')).toEqual([expect.stringContaining('must include $context.requestId or $context.extendedRequestId')])
    expect(compileDefinitions([{ file: 'routes/logged.yaml', text: definition('$context.requestId').replace("format: '$context.requestId'", 'format: "$context.requestId\\n$context.status"') }]).errors.map(formatError)).toEqual([
      expect.stringContaining(`${at}: must be a single line`),
    ])
  })
})
