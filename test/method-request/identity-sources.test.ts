import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { readIdentity } from '../../src/method-request/identity-sources'
import { lambdaResult } from '../../src/method-request/authorizer-result'
import { resolveRequestSource } from '../../src/integration/mapping-sources'
import { cacheIdentity } from '../../src/cache/key'
import { resolveMethodCache } from '../../src/cache/settings'
import { compilePolicy, type Policy } from '../../src/method-request/policy'
import { contextOf } from '../../src/context'
import { testInvocation } from '../integration/invocation'

const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations'
const table = (shared = false) =>
  compileOrThrow([
    {
      file: 'routes/api.yaml',
      text: `openapi: 3.0.1
info: { title: t, version: '1' }
x-gateway:
  stages:
    dev:
      variables: { env: blue }
      cacheClusterEnabled: true
      cacheSharedAcrossCallers: ${shared}
      methodSettings: { '*/*': { cachingEnabled: true } }
components:
  securitySchemes:
    req:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: '${fn}'
        identitySource: 'method.request.header.X-User, method.request.querystring.t, stageVariables.env, context.identity.sourceIp'
paths:
  /pets:
    get:
      security: [{ req: [] }]
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }`,
    },
  ])

const allowAll = compilePolicy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) as Policy
const invocation = (path: string, headers: Record<string, string> = {}, shared = false) => {
  const api = table(shared).apis[0]
  const inv = testInvocation(api, '/pets', 'GET', path, { init: { headers } })
  return { inv, sources: api.authorizers!.req.identitySources }
}

describe('identity sources on a request', () => {
  it('reads headers, the last query value, stage variables and $context, in order', () => {
    const { inv, sources } = invocation('/pets?t=1&t=2', { 'X-User': 'ann' })
    expect(readIdentity(inv, sources)).toEqual(['ann', '2', 'blue', '203.0.113.7'])
  })

  it('is undefined when any source is missing or empty', () => {
    expect(readIdentity(invocation('/pets?t=1').inv, invocation('/pets').sources)).toBeUndefined()
    const { inv, sources } = invocation('/pets?t=', { 'X-User': 'ann' })
    expect(readIdentity(inv, sources)).toBeUndefined()
  })
})

describe('identity sources keyed by the path', () => {
  it('read context.path as the router matched it, so every spelling shares one authorizer cache entry', () => {
    const sources = [{ location: 'context' as const, name: 'path' }]
    for (const spelled of ['/pets', '/pets/', '//pets', '/%70ets', '/p%65%74s', '/pets//']) {
      const { inv } = invocation(spelled)
      expect(readIdentity(inv, sources), spelled).toEqual(['/dev/pets'])
      // $context.path itself stays as received, as on AWS.
      expect(contextOf(inv).path).toBe(`/dev${spelled}`)
    }
  })
})

describe("an authorizer's result on the invocation", () => {
  it('reaches $context.authorizer and context.authorizer.* mapping sources, stringified', () => {
    const { inv } = invocation('/pets')
    inv.authorizer = lambdaResult({ principalId: 'ann', policy: allowAll, context: { tier: 3, admin: false, name: 'Ann' } }, 7)
    expect(contextOf(inv).authorizer).toEqual({ principalId: 'ann', integrationLatency: 7, tier: '3', admin: 'false', name: 'Ann' })
    expect(resolveRequestSource('context.authorizer.principalId', inv)).toBe('ann')
    expect(resolveRequestSource('context.authorizer.tier', inv)).toBe('3')
  })

  it("keys the stage cache by principal unless the stage shares entries across callers", () => {
    const key = (principal: string, shared: boolean) => {
      const { inv } = invocation('/pets', {}, shared)
      inv.authorizer = lambdaResult({ principalId: principal, policy: allowAll, context: {} }, 0)
      return cacheIdentity(inv, resolveMethodCache(inv.stage, inv.method!)!)
    }
    expect(key('ann', false)).not.toBe(key('bob', false))
    expect(key('ann', true)).toBe(key('bob', true))
  })
})
