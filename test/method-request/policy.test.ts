import { describe, expect, it } from 'vitest'
import { compilePolicy, evaluatePolicy, type Policy } from '../../src/method-request/policy'

const arn = 'arn:aws:execute-api:local:000000000000:petstore/dev/GET/pets/7'
const invoke = 'execute-api:Invoke'

function policy(...statements: unknown[]): Policy {
  const compiled = compilePolicy({ Version: '2012-10-17', Statement: statements })
  if ('error' in compiled) throw new Error(compiled.error)
  return compiled
}
const allow = (Resource: unknown, Action: unknown = invoke) => ({ Effect: 'Allow', Action, Resource })
const deny = (Resource: unknown, Action: unknown = invoke) => ({ Effect: 'Deny', Action, Resource })

describe('authorizer policy evaluation against the method ARN', () => {
  it('allows the exact method ARN', () => {
    expect(evaluatePolicy(policy(allow(arn)), invoke, arn)).toBe('Allow')
  })

  it('denies implicitly when no statement matches', () => {
    expect(evaluatePolicy(policy(allow(arn.replace('/7', '/8'))), invoke, arn)).toBe('ImplicitDeny')
    expect(evaluatePolicy(policy(allow(arn.replace('GET', 'POST'))), invoke, arn)).toBe('ImplicitDeny')
  })

  it('lets * cross slashes and match any field', () => {
    expect(evaluatePolicy(policy(allow('arn:aws:execute-api:*:*:petstore/*')), invoke, arn)).toBe('Allow')
    expect(evaluatePolicy(policy(allow('arn:aws:execute-api:local:000000000000:petstore/*/GET/pets/*')), invoke, arn)).toBe('Allow')
    expect(evaluatePolicy(policy(allow('arn:aws:execute-api:local:000000000000:other/*')), invoke, arn)).toBe('ImplicitDeny')
  })

  it('lets ? match exactly one character', () => {
    expect(evaluatePolicy(policy(allow(arn.replace('/7', '/?'))), invoke, arn)).toBe('Allow')
    expect(evaluatePolicy(policy(allow(arn.replace('/7', '/??'))), invoke, arn)).toBe('ImplicitDeny')
  })

  it('takes regex characters in ARNs literally', () => {
    const dotted = 'arn:aws:execute-api:local:000000000000:petstore/dev/GET/a.b'
    expect(evaluatePolicy(policy(allow(dotted)), invoke, dotted.replace('a.b', 'axb'))).toBe('ImplicitDeny')
  })

  it('lets an explicit Deny win over any Allow, whatever the order', () => {
    expect(evaluatePolicy(policy(allow('*'), deny(arn)), invoke, arn)).toBe('Deny')
    expect(evaluatePolicy(policy(deny(arn), allow('*')), invoke, arn)).toBe('Deny')
  })

  it('reads resource and action lists, and a lone Statement object', () => {
    expect(evaluatePolicy(policy(allow(['arn:x', arn])), invoke, arn)).toBe('Allow')
    expect(evaluatePolicy(policy(allow(arn, ['s3:GetObject', 'execute-api:*'])), invoke, arn)).toBe('Allow')
    const single = compilePolicy({ Statement: allow(arn) }) as Policy
    expect(evaluatePolicy(single, invoke, arn)).toBe('Allow')
  })

  it('matches the action: Invoke is not InvalidateCache, * is both, case aside', () => {
    expect(evaluatePolicy(policy(allow(arn)), 'execute-api:InvalidateCache', arn)).toBe('ImplicitDeny')
    expect(evaluatePolicy(policy(allow(arn, '*')), 'execute-api:InvalidateCache', arn)).toBe('Allow')
    expect(evaluatePolicy(policy(allow(arn, 'Execute-API:invoke')), invoke, arn)).toBe('Allow')
  })

  it('refuses documents it cannot read faithfully', () => {
    expect(compilePolicy(undefined)).toHaveProperty('error')
    expect(compilePolicy({ Statement: [] })).toEqual({ statements: [] })
    expect(compilePolicy({ Statement: [{ Effect: 'Maybe', Action: invoke, Resource: arn }] })).toHaveProperty('error')
    expect(compilePolicy({ Statement: [{ Effect: 'Allow', Action: invoke }] })).toHaveProperty('error')
    expect(compilePolicy({ Statement: [{ ...allow(arn), Condition: { IpAddress: {} } }] })).toHaveProperty('error')
  })
})
