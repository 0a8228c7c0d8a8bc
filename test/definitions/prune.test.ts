import { describe, expect, it } from 'vitest'
import { withoutInvalid } from '../../src/definitions/prune'

describe('withoutInvalid', () => {
  const doc = () => ({
    openapi: '3.0.1',
    paths: { '/a': {} },
    'x-gateway': { stages: { dev: { variables: { x: 1, y: 'ok' } } }, usagePlans: [{ a: 1 }, { name: 'p' }, { b: 2 }] },
  })

  it('removes the invalid value and keeps its siblings, without touching the input', () => {
    const input = doc()
    const out = withoutInvalid(input, [['x-gateway', 'stages', 'dev', 'variables', 'x']])
    expect(out?.['x-gateway']).toMatchObject({ stages: { dev: { variables: { y: 'ok' } } } })
    expect(input['x-gateway'].stages.dev.variables.x).toBe(1)
  })

  it('removes the object that lacks a required key, and list entries without shifting the others', () => {
    const out = withoutInvalid(doc(), [
      ['x-gateway', 'usagePlans', 0, 'name'],
      ['x-gateway', 'usagePlans', 2, 'name'],
    ])
    expect((out?.['x-gateway'] as { usagePlans: unknown }).usagePlans).toEqual([{ name: 'p' }])
  })

  it('gives up when the version, the paths or the whole document would go', () => {
    expect(withoutInvalid(doc(), [['openapi']])).toBeUndefined()
    expect(withoutInvalid({ openapi: '3.0.1' }, [['paths']])).toBeUndefined()
    expect(withoutInvalid(doc(), [[]])).toBeUndefined()
    expect(withoutInvalid(doc(), [['paths', '/a', 'get']])).toEqual({ ...doc(), paths: {} })
  })
})
