import { describe, expect, it } from 'vitest'
import { compressResponse, preferredCoding } from '../../src/method-response/compression'

describe('preferredCoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['gzip, deflate, br', 'gzip'],
    ['deflate;q=0.5, gzip', 'gzip'],
    ['gzip;q=0.2, deflate;q=0.9', 'deflate'],
    ['br, gzip', undefined],
    ['br;q=0.1, gzip', 'gzip'],
    ['identity', undefined],
    ['*', undefined],
    ['gzip;q=0', undefined],
    ['gzip;q=0, deflate;q=0.1', 'deflate'],
  ])('%s → %s', (header, coding) => {
    expect(preferredCoding(header)).toBe(coding)
  })
})

describe('compressResponse', () => {
  const text = 'abc'.repeat(500)
  const unzip = async (r: Response) => new Response(r.body!.pipeThrough(new DecompressionStream('gzip'))).text()

  it('compresses a body at or over the minimum and drops its old length', async () => {
    const r = await compressResponse(new Response(text, { headers: { 'content-length': String(text.length) } }), 'gzip', text.length, 'GET')
    expect(r.headers.get('content-encoding')).toBe('gzip')
    expect(r.headers.get('content-length')).toBeNull()
    expect(await unzip(r)).toBe(text)
  })

  it('measures a body without a length by reading only what it needs', async () => {
    const stream = () => new Blob(['x'.repeat(600), 'y'.repeat(600)]).stream()
    const long = await compressResponse(new Response(stream()), 'gzip', 1000, 'GET')
    expect(await unzip(long)).toBe('x'.repeat(600) + 'y'.repeat(600))
    const short = await compressResponse(new Response(stream()), 'gzip', 5000, 'GET')
    expect(short.headers.get('content-encoding')).toBeNull()
    expect(await short.text()).toBe('x'.repeat(600) + 'y'.repeat(600))
  })

  it.each([
    ['a HEAD request', new Response(text), 'HEAD'],
    ['a 204', new Response(null, { status: 204 }), 'GET'],
    ['an encoded body', new Response(text, { headers: { 'content-encoding': 'br' } }), 'GET'],
    ['a declared length under the minimum', new Response(text, { headers: { 'content-length': '10' } }), 'GET'],
  ])('leaves %s as it is', async (_, response, method) => {
    expect(await compressResponse(response, 'gzip', 100, method)).toBe(response)
  })
})
