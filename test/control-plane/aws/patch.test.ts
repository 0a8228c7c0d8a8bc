import { describe, expect, it } from 'vitest'
import { booleanValue, countValue, replacements, textValue } from '../../../src/control-plane/aws/patch'

const keyPaths = { '/enabled': booleanValue, '/name': textValue }

describe('patchOperations', () => {
  it('reads replace operations into the fields they name, with typed values', () => {
    expect(
      replacements(
        [
          { op: 'replace', path: '/enabled', value: 'false' },
          { op: 'replace', path: '/name', value: 'acme' },
        ],
        keyPaths,
      ),
    ).toEqual({ enabled: false, name: 'acme' })
    expect(replacements([{ op: 'replace', path: '/remaining', value: '12' }], { '/remaining': countValue })).toEqual({ remaining: 12 })
  })

  it('refuses an unknown path, another op or a bad value, whatever came before it', () => {
    const enable = { op: 'replace', path: '/enabled', value: 'true' }
    expect(() => replacements([enable, { op: 'replace', path: '/customerId', value: 'x' }], keyPaths)).toThrowError('Invalid patch path /customerId')
    expect(() => replacements([enable, { op: 'remove', path: '/name' }], keyPaths)).toThrowError(/Must be 'replace'/)
    expect(() => replacements([{ op: 'replace', path: '/enabled', value: 'yes' }], keyPaths)).toThrowError(/true or false/)
    expect(() => replacements([{ op: 'replace', path: '/name', value: '' }], keyPaths)).toThrowError(/non-empty/)
    expect(() => replacements([{ op: 'replace', path: '/remaining', value: '-1' }], { '/remaining': countValue })).toThrowError(/non-negative/)
  })
})
