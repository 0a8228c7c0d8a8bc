import { describe, expect, it } from 'vitest'
import { newRequestIds, splitRequestUrl } from '../src/invocation'

describe('request ids', () => {
  it('are version 4 UUIDs and 11 random bytes in base64, unique across the random block boundary', () => {
    const seen = new Set<string>()
    for (let n = 0; n < 600; n++) {
      const { requestId, extendedRequestId } = newRequestIds()
      expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(extendedRequestId).toMatch(/^[A-Za-z0-9+/]{15}=$/)
      // The JS encoder agrees with the runtime's own.
      expect(btoa(atob(extendedRequestId))).toBe(extendedRequestId)
      expect(atob(extendedRequestId)).toHaveLength(11)
      seen.add(requestId).add(extendedRequestId)
    }
    expect(seen.size).toBe(1200)
  })
})

describe('splitRequestUrl', () => {
  it('splits host, raw path and query without decoding', () => {
    expect(splitRequestUrl('https://api.example.com/dev/a%2Fb//c?x=1&y')).toEqual({ host: 'api.example.com', path: '/dev/a%2Fb//c', search: 'x=1&y' })
    expect(splitRequestUrl('http://127.0.0.1:8787')).toEqual({ host: '127.0.0.1:8787', path: '/', search: '' })
  })
})
