import { describe, expect, it } from 'vitest'
import { decodeSegment } from '../../src/router/decode-segment'

describe('decodeSegment', () => {
  it('percent-decodes a segment', () => {
    expect(decodeSegment('caf%C3%A9')).toBe('café')
    expect(decodeSegment('a%2Fb')).toBe('a/b')
  })

  it('returns a segment without % or with broken encoding as received', () => {
    expect(decodeSegment('pets')).toBe('pets')
    expect(decodeSegment('%E0%A4%A')).toBe('%E0%A4%A')
  })
})
