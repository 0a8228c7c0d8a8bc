import { describe, expect, it } from 'vitest'
import { convert, convertResponse, firstAccepted, fromBase64, isBinary, textOf } from '../../src/integration/content-handling'
import { bytesToBase64 } from '../../src/base64'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('binary media types', () => {
  it.each([
    ['image/png', ['image/png'], true],
    ['image/png; q=1', ['image/*'], true],
    ['application/whatever', ['application/*'], true],
    ['text/plain', ['*/*'], true],
    ['text/test', ['*/test'], false],
    ['image/png', ['image/webp'], false],
    [null, ['*/*'], false],
  ] as const)('%s against %j is binary: %s', (type, types, expected) => {
    expect(isBinary(type, [...types])).toBe(expected)
  })

  it('uses only the first Accept type', () => {
    expect(firstAccepted('image/webp,image/png,*/*')).toBe('image/webp')
    expect(firstAccepted(null)).toBeNull()
  })
})

describe('contentHandling conversions', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 128])
  it('CONVERT_TO_TEXT base64-encodes a binary payload and leaves text alone', () => {
    expect(textOf(convert({ bytes: png, binary: true }, 'CONVERT_TO_TEXT'))).toBe(bytesToBase64(png))
    expect(textOf(convert({ bytes: bytes('hi'), binary: false }, 'CONVERT_TO_TEXT'))).toBe('hi')
  })

  it('CONVERT_TO_BINARY base64-decodes a text payload', () => {
    expect(convert({ bytes: bytes(bytesToBase64(png)), binary: false }, 'CONVERT_TO_BINARY')).toEqual({ bytes: png, binary: true })
  })

  it('refuses text that is not base64 with a 500', () => {
    expect(() => fromBase64('not base64 %%')).toThrow(expect.objectContaining({ type: 'API_CONFIGURATION_ERROR' }))
  })

  it('decodes a text response asked for as binary, and encodes a binary one asked for as text', () => {
    expect(convertResponse({ bytes: bytes(bytesToBase64(png)), binary: false }, undefined, true, true)).toEqual({ bytes: png, binary: true })
    expect(textOf(convertResponse({ bytes: png, binary: true }, undefined, false, true))).toBe(bytesToBase64(png))
    expect(convertResponse({ bytes: png, binary: true }, undefined, true, true)).toEqual({ bytes: png, binary: true })
  })

  it('treats everything as text when the API has no binary media types', () => {
    expect(convertResponse({ bytes: bytes('abc'), binary: true }, undefined, true, false)).toEqual({ bytes: bytes('abc'), binary: false })
  })
})
