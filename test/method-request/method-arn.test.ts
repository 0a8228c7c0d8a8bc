import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createApiSelector } from '../../src/router/select-api'
import { createResourceRouter } from '../../src/router/match'
import { matchedPath, methodArn } from '../../src/method-request/method-arn'
import { testInvocation } from '../integration/invocation'
import { spellings } from '../router/path-spellings'

const mock = `{ type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }`
const table = compileOrThrow([
  {
    file: 'routes/authz.yaml',
    text: `openapi: 3.0.1
info: { title: authz, version: '1' }
x-gateway: { apiId: authz, stages: { dev: {} } }
paths:
  /:
    get: { x-amazon-apigateway-integration: ${mock} }
  /auth:
    get: { x-amazon-apigateway-integration: ${mock} }
  /auth/{id}:
    get: { x-amazon-apigateway-integration: ${mock} }
  /files/{key+}:
    x-amazon-apigateway-any-method: { x-amazon-apigateway-integration: ${mock} }
`,
  },
])
const api = table.apis[0]
const selectApi = createApiSelector(table)
const router = createResourceRouter(api.resources)

/** The method ARN of a request sent as `GET {path}`, found the way the pipeline finds it. */
function arnOf(path: string, verb = 'GET'): string {
  const target = selectApi('authz.execute-api.localhost', path)!
  const match = router.match(verb, target.resourcePath)!
  const inv = testInvocation(api, match.method.resourcePath, verb, target.resourcePath, { pathParameters: match.pathParameters })
  return methodArn(inv)
}

const arn = (path: string, verb = 'GET') => `arn:aws:execute-api:local:000000000000:authz/dev/${verb}${path}`

describe('the method ARN is built from what the router matched', () => {
  it('puts the parameter values into the template, decoded', () => {
    expect(arnOf('/dev/auth/secret')).toBe(arn('/auth/secret'))
    expect(arnOf('/dev/auth/caf%C3%A9')).toBe(arn('/auth/café'))
    expect(arnOf('/dev/')).toBe(arn('/'))
    expect(arnOf('/dev/files/a/b/c', 'DELETE')).toBe(arn('/files/a/b/c', 'DELETE'))
  })

  it('judges the spellings in issue 13 under one ARN', () => {
    for (const path of ['/auth/secret/', '/auth//secret', '//auth/secret', '/auth/secret//', '/auth/%73ecret']) {
      expect(arnOf(`/dev${path}`), path).toBe(arn('/auth/secret'))
    }
  })

  it('judges every generated spelling of stage, resource and value under one ARN', () => {
    for (const seed of [1, 2, 3]) {
      for (const path of spellings(['dev', 'auth', 'zone'], 60, seed)) expect(arnOf(path), `seed ${seed}: ${path}`).toBe(arn('/auth/zone'))
      for (const path of spellings(['dev', 'files', 'k', 'ey'], 60, seed)) expect(arnOf(path, 'PUT'), `seed ${seed}: ${path}`).toBe(arn('/files/k/ey', 'PUT'))
    }
  })

  it('writes a / or % inside a value as %2F and %25, so a value never reads as more segments', () => {
    expect(arnOf('/dev/auth/a%2Fb')).toBe(arn('/auth/a%2Fb'))
    expect(arnOf('/dev/auth/a%2fb')).toBe(arn('/auth/a%2Fb'))
    expect(arnOf('/dev/files/a%2Fb')).toBe(arn('/files/a%2Fb'))
    // Three different values, three ARNs: `a/b` in one segment, the text `a%2Fb`, and two segments.
    const distinct = new Set([arnOf('/dev/files/a%2Fb'), arnOf('/dev/files/a%252Fb'), arnOf('/dev/files/a/b')])
    expect(distinct.size).toBe(3)
    expect(arnOf('/dev/auth/100%25')).toBe(arn('/auth/100%25'))
  })

  it('keeps a value whose encoding is broken as received, its % written %25', () => {
    expect(arnOf('/dev/auth/%zz')).toBe(arn('/auth/%25zz'))
  })
})

describe('matchedPath', () => {
  it('drops empty segments of a greedy value and decodes each of the others', () => {
    expect(matchedPath('/files/{key+}', { key: 'a//b%2Fc/%64' })).toBe('/files/a/b%2Fc/d')
  })

  it('never gives a shorter path than the template: an unfilled parameter stays as written', () => {
    expect(matchedPath('/auth/{id}', {})).toBe('/auth/{id}')
    expect(matchedPath('/auth/{constructor}', {})).toBe('/auth/{constructor}')
  })
})
