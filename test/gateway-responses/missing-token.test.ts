import { describe, expect, it } from 'vitest'
import { missingAuthenticationToken } from '../../src/gateway-responses/missing-token'

describe('missingAuthenticationToken', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a SigV4-shaped header', 'AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=abc'],
    ['Basic credentials that end in =', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['a bare token', 'abc'],
  ])('is the plain 403 for %s', async (_, authorization) => {
    const e = await missingAuthenticationToken(authorization)
    expect(e.type).toBe('MISSING_AUTHENTICATION_TOKEN')
    expect(e.options.message).toBeUndefined()
  })

  it.each(['Bearer abc', 'Basic dXNlcjpwYXNz', 'Token a=1, b'])('answers %s as the signature parser does', async (authorization) => {
    const e = await missingAuthenticationToken(authorization)
    expect(e.options.errorType).toBe('IncompleteSignatureException')
    expect(e.options.message).toMatch(/^Invalid key=value pair \(missing equal-sign\) in Authorization header \(hashed with SHA-256 and encoded with Base64\): '[A-Za-z0-9+/]{43}='\.$/)
  })
})
