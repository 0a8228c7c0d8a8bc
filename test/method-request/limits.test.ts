import { describe, expect, it } from 'vitest'
import { checkRequestPath, maxHeaderBytes, readClientHeaders } from '../../src/method-request/limits'
import { GatewayError } from '../../src/gateway-responses/error'

const thrown = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    return e as GatewayError
  }
  throw new Error('did not throw')
}

describe('client headers, read once', () => {
  it('keeps lower-case names, and names like __proto__ and constructor as plain keys', () => {
    const headers = readClientHeaders(new Request('http://gw/', { headers: [['X-Tenant', 'acme'], ['__proto__', 'p'], ['constructor', 'c']] }))
    expect(headers['x-tenant']).toBe('acme')
    expect(headers.__proto__).toBe('p')
    expect(headers.constructor).toBe('c')
    expect(headers.toString).toBeUndefined()
    expect(Object.keys(headers).sort()).toEqual(['__proto__', 'constructor', 'x-tenant'])
  })

  it('joins repeated lines as Headers.get does', () => {
    const request = new Request('http://gw/', { headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['accept', 'a'], ['accept', 'b']] })
    expect(readClientHeaders(request)).toMatchObject({ 'set-cookie': 'a=1, b=2', accept: 'a, b' })
  })

  it("refuses headers over AWS's 10,240 bytes with 413, not counting Cloudflare's cf-* headers", () => {
    const fits = 'x'.repeat(maxHeaderBytes - 'x-big'.length)
    expect(readClientHeaders(new Request('http://gw/', { headers: { 'x-big': fits, 'cf-ray': 'y'.repeat(500) } }))['x-big']).toBe(fits)
    const error = thrown(() => readClientHeaders(new Request('http://gw/', { headers: { 'x-big': `${fits}x` } })))
    expect(error).toBeInstanceOf(GatewayError)
    expect([error.type, error.options.message]).toEqual(['REQUEST_TOO_LARGE', 'Request Header Fields Too Large'])
  })
})

describe('request path', () => {
  it('answers broken percent-encoding with 400 Bad Request and lets valid escapes through', () => {
    expect(() => checkRequestPath('/dev/a%2Fb')).not.toThrow()
    expect(thrown(() => checkRequestPath('/dev/%zz')).options).toMatchObject({ status: 400, message: 'Bad Request', errorType: 'BadRequestException' })
    expect(thrown(() => checkRequestPath('/dev/a%2')).options.status).toBe(400)
  })
})
