import { describe, expect, it } from 'vitest'
import { TemplateRenderError } from '../../src/vtl'
import { base64Decode, base64Encode, escapeJavaScript, parseJson, urlDecode, urlEncode } from '../../src/vtl/util'
import { render } from './render'

describe('$util.escapeJavaScript', () => {
  it('escapes quotes, backslash and slash as Commons Lang does', () => {
    expect(escapeJavaScript(`it's "q" \\ a/b`)).toBe(`it\\'s \\"q\\" \\\\ a\\/b`)
  })

  it('uses short escapes for \\b \\t \\n \\f \\r and \\u00XX for other control characters', () => {
    expect(escapeJavaScript('\b\t\n\f\r\u0001\u001f')).toBe('\\b\\t\\n\\f\\r\\u0001\\u001F')
  })

  it('escapes everything above 0x7F as upper-case \\uXXXX, one escape per UTF-16 unit', () => {
    expect(escapeJavaScript('é€😀\u007f')).toBe('\\u00E9\\u20AC\\uD83D\\uDE00\u007f')
  })

  it('leaves printable ASCII alone', () => {
    expect(escapeJavaScript('abc 123 {}[]:,.')).toBe('abc 123 {}[]:,.')
  })

  it('supports the documented replaceAll idiom that makes the result valid JSON', () => {
    const out = render(`{"v": "$util.escapeJavaScript($input.params('v')).replaceAll("\\\\'","'")"}`, {
      params: { path: {}, querystring: { v: `it's "x"` }, header: {} },
    })
    expect(JSON.parse(out)).toEqual({ v: `it's "x"` })
  })
})

describe('$util.urlEncode and urlDecode', () => {
  it('encodes like Java URLEncoder: space as +, only A-Z a-z 0-9 . - * _ unescaped', () => {
    expect(urlEncode("a b+c=d&e/f?g:h{i}!'()~*._-")).toBe('a+b%2Bc%3Dd%26e%2Ff%3Fg%3Ah%7Bi%7D%21%27%28%29%7E*._-')
  })

  it('encodes UTF-8 bytes in upper-case hex, and a lone surrogate as ?', () => {
    expect(urlEncode('é😀')).toBe('%C3%A9%F0%9F%98%80')
    expect(urlEncode('a\uD800b')).toBe('a%3Fb')
  })

  it('decodes + as space and multi-byte UTF-8 escapes', () => {
    expect(urlDecode('a+b%3D%C3%A9%F0%9F%98%80')).toBe('a b=é😀')
  })

  it('fails the render on a malformed escape, as URLDecoder throws', () => {
    expect(() => urlDecode('100%')).toThrow(TemplateRenderError)
    expect(() => urlDecode('%G1')).toThrow(TemplateRenderError)
  })

  it('round-trips through a template', () => {
    expect(render('$util.urlDecode($util.urlEncode("x=1 & y=ü"))')).toBe('x=1 & y=ü')
  })
})

describe('$util.base64Encode and base64Decode', () => {
  it('encodes the UTF-8 bytes of the text', () => {
    expect(base64Encode('{"kinesis": "snapshot"}')).toBe('eyJraW5lc2lzIjogInNuYXBzaG90In0=')
    expect(base64Encode('é')).toBe('w6k=')
  })

  it('decodes to UTF-8 text', () => {
    expect(base64Decode('w6k=')).toBe('é')
    expect(base64Decode('eyJtZXNzYWdlIjogInBhdGgxIn0=')).toBe('{"message": "path1"}')
  })

  it('encodes payloads larger than one chunk of String.fromCharCode arguments', () => {
    const text = 'x'.repeat(100_000)
    expect(base64Decode(base64Encode(text))).toBe(text)
  })

  it('fails the render on input that is not base64', () => {
    expect(() => base64Decode('not base64!')).toThrow(TemplateRenderError)
  })
})

describe('$util.parseJson', () => {
  it('returns Java-like values: maps render key=value, strings raw', () => {
    expect(render(`#set($o = $util.parseJson('{"a":{"b":"c"},"n":[1,2]}'))$o $o.a.b $o.n[1]`)).toBe('{a={b=c}, n=[1,2]} c 2')
    expect(parseJson('"s"')).toBe('s')
  })

  it('fails the render on text that is not JSON', () => {
    expect(() => parseJson('{nope')).toThrow(TemplateRenderError)
  })
})

describe('$util with null arguments', () => {
  it('renders nothing for every function given a missing value', () => {
    const names = ['escapeJavaScript', 'urlEncode', 'urlDecode', 'base64Encode', 'base64Decode', 'parseJson']
    expect(render(names.map((name) => `[$util.${name}($missing)]`).join(''))).toBe('[]'.repeat(names.length))
  })

  it('renders nothing for a function $util does not have', () => {
    expect(render('[$util.toJson("x")]')).toBe('[]')
  })
})
