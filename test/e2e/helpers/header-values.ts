import { expect } from 'vitest'
import type { Fixture } from './fixture'
import { rawRequest } from './http'

/**
 * Sends `?q=a<c>b` with CR, LF, CRLF, NUL, SOH and DEL to a method that maps the query parameter
 * `q` into the integration header `x-q`: each must be AWS's 400 BAD_REQUEST_PARAMETERS and never
 * reach the backend; a value without them (a space, a tab) must arrive in the header.
 * @example await expectControlCharactersRefused(fixture, '/dev/tagged')
 */
export async function expectControlCharactersRefused(fixture: Fixture, path: string) {
  const { gateway, backend } = fixture
  for (const c of ['%0d', '%0a', '%0d%0a', '%00', '%01', '%7f']) {
    const before = backend.received.length
    const res = await rawRequest(gateway.url, { path: `${path}?q=a${c}b` })
    expect(res.status, c).toBe(400)
    expect(res.headers['x-amzn-errortype']).toBe('BadRequestException')
    expect(JSON.parse(res.text)).toEqual({ message: 'Invalid header value for x-q: control characters are not allowed' })
    expect(backend.received.length, c).toBe(before)
  }
  const res = await rawRequest(gateway.url, { path: `${path}?q=a%20b%09c` })
  expect(res.status).toBe(200)
  expect(fixture.last().headers['x-q']).toBe('a b\tc')
}
