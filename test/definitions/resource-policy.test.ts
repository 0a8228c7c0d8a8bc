import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const api = (policy: unknown, xGateway = '') => `openapi: 3.0.1
info: { title: t, version: '1' }
${xGateway}
x-amazon-apigateway-policy: ${JSON.stringify(policy)}
paths:
  /a:
    get:
      x-amazon-apigateway-integration: { type: mock }`
const messages = (text: string) => compileDefinitions([{ file: 'routes/api.yaml', text }]).errors.map(formatError)

const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' }] }
const refused = /\$\["x-amazon-apigateway-policy"\]: resource policies are not enforced, so this one would be opened to every caller/

describe('resource policy', () => {
  it.each([
    ['as exported', allowAll],
    ['as imported (an ARN), with a list of actions', { Statement: { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['execute-api:Invoke'], Resource: 'arn:aws:execute-api:us-east-1:123456789012:abc123/*' } }],
    ['as JSON text', JSON.stringify(allowAll)],
  ])('serves an API whose policy lets anyone invoke all of it (%s)', (_, policy) => {
    expect(messages(api(policy))).toEqual([])
  })

  it.each([
    ['an IP allow-list', { Statement: [{ ...allowAll.Statement[0], Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } }] }],
    ['a Deny', { Statement: [allowAll.Statement[0], { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*/POST/*' }] }],
    ['one account', { Statement: [{ ...allowAll.Statement[0], Principal: { AWS: 'arn:aws:iam::123456789012:root' } }] }],
    ['part of the API', { Statement: [{ ...allowAll.Statement[0], Resource: 'execute-api:/prod/GET/pets' }] }],
    ['no statement', { Version: '2012-10-17' }],
  ])('refuses a policy that restricts callers (%s)', (_, policy) => {
    expect(messages(api(policy)).join('\n')).toMatch(refused)
  })

  it('serves a restricting policy unenforced when x-gateway.ignoreResourcePolicy says so', () => {
    const ipOnly = { Statement: [{ ...allowAll.Statement[0], Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] }
    expect(messages(api(ipOnly, 'x-gateway: { ignoreResourcePolicy: true }'))).toEqual([])
  })
})
