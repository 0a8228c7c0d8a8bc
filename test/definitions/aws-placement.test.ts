import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'
import { methodArn } from '../../src/method-request/method-arn'
import { contextOf } from '../../src/context'
import { testInvocation } from '../integration/invocation'

const rest = (xGateway: string) => `openapi: 3.0.1
x-gateway: { apiId: orders, stages: { prod: {} }${xGateway} }
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }
`
const websocket = (xGateway: string) => `x-gateway:
  apiId: chat
  protocolType: WEBSOCKET
  routeSelectionExpression: $request.body.action
  stages: { prod: {} }
${xGateway}  routes:
    $default: { integration: { integrationType: MOCK, requestTemplates: { $default: '{"statusCode": 200}' } } }
`
const compile = (file: string, text: string) => compileDefinitions([{ file, text }])

describe('x-gateway.region and x-gateway.accountId', () => {
  it('default to local and 000000000000, as before either existed', () => {
    const { table, errors } = compile('routes/orders.yaml', rest(''))
    expect(errors).toEqual([])
    expect(table.apis[0]).toMatchObject({ region: 'local', accountId: '000000000000' })
  })

  it("name the method ARN and $context.accountId of a REST API's requests", () => {
    const { table, errors } = compile('routes/orders.yaml', rest(", region: eu-west-1, accountId: '123456789012'"))
    expect(errors).toEqual([])
    const inv = testInvocation(table.apis[0], '/pets/{id}', 'GET', '/pets/7', { pathParameters: { id: '7' } })
    expect(methodArn(inv)).toBe('arn:aws:execute-api:eu-west-1:123456789012:orders/prod/GET/pets/7')
    expect(contextOf(inv).accountId).toBe('123456789012')
  })

  it('take an unquoted account id as YAML reads it, a number', () => {
    const { table, errors } = compile('routes/orders.yaml', rest(', accountId: 123456789012'))
    expect(errors).toEqual([])
    expect(table.apis[0].accountId).toBe('123456789012')
  })

  it('compile for WebSocket APIs too', () => {
    const { table, errors } = compile('routes/chat.yaml', websocket("  region: us-west-2\n  accountId: '210987654321'\n"))
    expect(errors).toEqual([])
    expect(table.apis[0]).toMatchObject({ region: 'us-west-2', accountId: '210987654321' })
  })

  it('refuse a region or account that cannot stand in an ARN, with file, JSON path and reason', () => {
    expect(compile('routes/orders.yaml', rest(', region: eu-west-1/x, accountId: 012345678901')).errors.map(formatError)).toEqual([
      'routes/orders.yaml: $["x-gateway"].region: must be a region name such as eu-west-1',
      'routes/orders.yaml: $["x-gateway"].accountId: must be 12 digits; quote it ("012345678901") so YAML keeps leading zeros',
    ])
    expect(compile('routes/chat.yaml', websocket("  accountId: '1234'\n")).errors.map(formatError)).toEqual([
      'routes/chat.yaml: $["x-gateway"].accountId: must be 12 digits; quote it ("012345678901") so YAML keeps leading zeros',
    ])
  })
})
