import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { executionLoggingFor } from '../../src/definitions/observe-settings'
import { createExecutionLogStep } from '../../src/observe/execution-log'
import { bodyText, closeExecutionLog } from '../../src/observe/execution-log/lines'
import { headerMap, masked } from '../../src/observe/execution-log/mask'
import { GatewayError } from '../../src/gateway-responses/error'
import type { Invocation } from '../../src/invocation'
import type { RouteTable } from '../../src/definitions/table'

const definition = (protocol: string) => `openapi: 3.0.1
info: { title: levels, version: '1' }
x-gateway:
  apiId: levels-${protocol.toLowerCase()}
  protocolType: ${protocol}
  stages:
    dev:
      methodSettings:
        '*/*': { loggingLevel: ERROR, dataTraceEnabled: true }
        '/pets/*': { loggingLevel: INFO }
        '/pets/DELETE': { loggingLevel: 'off' }
paths:
  /pets:
    get: { x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } }
    delete: { x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } }
  /health:
    get: { x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } }
`

const tableOf = (protocol: string) => compileOrThrow([{ file: 'routes/levels.yaml', text: definition(protocol) }])

/** An invocation as the pipeline makes it once the route is known. */
function invocationFor(protocol: string, resourcePath: string, httpMethod: string): Invocation {
  const table = tableOf(protocol)
  const api = table.apis[0]
  const method = api.resources.find((r) => r.path === resourcePath)!.methods[httpMethod]
  return { api, stage: api.stages.dev, method, httpMethod, resourcePath, headers: {}, search: '', pathParameters: {}, requestId: 'req-1', extendedRequestId: 'ext=', startedAt: 0, sourceIp: '127.0.0.1', env: {} } as unknown as Invocation
}

describe('execution-log levels per stage method', () => {
  it('resolves each field from the most specific methodSettings key', () => {
    const get = invocationFor('REST', '/pets', 'GET')
    expect(executionLoggingFor(get.stage, get.method!)).toEqual({ loggingLevel: 'INFO', dataTraceEnabled: true })
    const del = invocationFor('REST', '/pets', 'DELETE')
    expect(executionLoggingFor(del.stage, del.method!)).toEqual({ loggingLevel: 'OFF', dataTraceEnabled: true })
    const health = invocationFor('REST', '/health', 'GET')
    expect(executionLoggingFor(health.stage, health.method!)).toEqual({ loggingLevel: 'ERROR', dataTraceEnabled: true })
  })

  it('opens an INFO log with data trace, an ERROR log with neither, and none at OFF or for HTTP APIs', () => {
    const open = (inv: Invocation) => createExecutionLogStep({ apis: [inv.api] } as RouteTable)(inv)
    const info = open(invocationFor('REST', '/pets', 'GET'))!
    expect(info.info).toBeTypeOf('function')
    expect(info.data).toBeTypeOf('function')
    expect(info.lines[0]).toBe('(req-1) Extended Request Id: ext=')
    const error = open(invocationFor('REST', '/health', 'GET'))!
    expect(error).toMatchObject({ info: undefined, data: undefined, lines: [] })
    expect(open(invocationFor('REST', '/pets', 'DELETE'))).toBeUndefined()
    expect(open(invocationFor('HTTP', '/pets', 'GET'))).toBeUndefined()
  })

  it('at ERROR, closes a success with no line and a 5xx with AWS\'s error line only', () => {
    const inv = invocationFor('REST', '/health', 'GET')
    const log = createExecutionLogStep({ apis: [inv.api] } as RouteTable)(inv)!
    expect(closeExecutionLog(log, 'req-1', 200)).toBe('')
    expect(closeExecutionLog(log, 'req-1', 504, new GatewayError('INTEGRATION_TIMEOUT'))).toBe('(req-1) Execution failed due to a timeout error')
  })
})

describe('what execution logs never show whole', () => {
  it('masks credentials to their last four characters, short ones entirely', () => {
    expect(masked('Bearer abcdefghijklmnop')).toBe('****mnop')
    expect(masked('short-secret')).toBe('****')
  })

  it('masks credential headers and the authorizer identity headers in a header map', () => {
    const headers = new Headers({ accept: '*/*', authorization: 'Bearer abcdefghijklmnop', 'x-api-key': 'key-0123456789abcdef', 'x-token': 'token-0123456789abcdef', cookie: 'sid=0123456789abcdef' })
    expect(headerMap(headers, new Set(['x-token']))).toBe('{accept=*/*, authorization=****mnop, cookie=****cdef, x-api-key=****cdef, x-token=****cdef}')
  })

  it('writes a body on one line, cut at 1 KB', () => {
    expect(bodyText('{\n  "id": 1\r\n}\t')).toBe('{\\n  "id": 1\\n}\\x09')
    expect(bodyText('x'.repeat(2000))).toBe(`${'x'.repeat(1024)} [TRUNCATED]`)
  })
})
