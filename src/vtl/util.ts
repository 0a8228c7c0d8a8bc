import { TemplateRenderError } from './errors'
import { HostObject, javaString } from './java-values'
import { base64ToBytes, bytesToBase64 } from '../base64'

const utf8 = new TextEncoder()
const utf8Decoder = new TextDecoder()

/**
 * `$util.escapeJavaScript(s)`: Apache Commons Lang's `escapeJavaScript`, which AWS uses. Besides `"` and
 * `\` it escapes `'` as `\'` (invalid in JSON, hence AWS's `.replaceAll("\\'","'")` idiom), `/` as `\/`,
 * and every character outside printable ASCII as an upper-case `\uXXXX`.
 *
 * @example
 * escapeJavaScript(`it's "x"`) // it\'s \"x\"
 */
export function escapeJavaScript(value: string): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const char = value[i]
    const code = value.charCodeAt(i)
    if (code < 0x20 || code > 0x7f) out += CONTROL_ESCAPES[char] ?? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
    else if (char === "'" || char === '"' || char === '\\' || char === '/') out += `\\${char}`
    else out += char
  }
  return out
}

const CONTROL_ESCAPES: Record<string, string> = { '\b': '\\b', '\n': '\\n', '\t': '\\t', '\f': '\\f', '\r': '\\r' }

/**
 * `$util.urlEncode(s)`: Java's `URLEncoder.encode(s, "UTF-8")`, form encoding. Only `A-Z a-z 0-9 . - * _`
 * stay as they are and a space becomes `+`; a lone surrogate is encoded as `?`, as Java's encoder does.
 *
 * @example
 * urlEncode('a b={}') // 'a+b%3D%7B%7D'
 */
export function urlEncode(value: string): string {
  return encodeURIComponent(value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'))
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

/**
 * `$util.urlDecode(s)`: Java's `URLDecoder.decode(s, "UTF-8")`. `+` is a space; a malformed `%` escape
 * fails the render, as Java throws `IllegalArgumentException`.
 *
 * @example
 * urlDecode('x%3Da+b') // 'x=a b'
 */
export function urlDecode(value: string): string {
  return value.replace(/\+|(?:%[\s\S]{0,2})+/g, (run) => {
    if (run === '+') return ' '
    const bytes = new Uint8Array(run.length / 3)
    for (let i = 0; i < run.length; i += 3) {
      const hex = run.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new TemplateRenderError(`URLDecoder: illegal hex characters in escape (%) pattern: ${run}`)
      bytes[i / 3] = parseInt(hex, 16)
    }
    return utf8Decoder.decode(bytes)
  })
}

/**
 * `$util.base64Encode(s)`: standard base64 of the UTF-8 bytes.
 *
 * @example
 * base64Encode('{"a":"é"}') // 'eyJhIjoiw6kifQ=='
 */
export function base64Encode(value: string): string {
  return bytesToBase64(utf8.encode(value))
}

/**
 * `$util.base64Decode(s)`: standard base64 to bytes, read as UTF-8. Input that is not base64 fails the
 * render rather than yielding a guess.
 *
 * @example
 * base64Decode('eyJtZXNzYWdlIjogInBhdGgxIn0=') // '{"message": "path1"}'
 */
export function base64Decode(value: string): string {
  let bytes: Uint8Array
  try {
    bytes = base64ToBytes(value)
  } catch (error) {
    throw new TemplateRenderError('$util.base64Decode: input is not base64', { cause: error })
  }
  return utf8Decoder.decode(bytes)
}

/**
 * `$util.parseJson(s)`: JSON text to a Java object (Map, List, String, Number, Boolean). Text that is not
 * JSON fails the render.
 *
 * @example
 * parseJson('{"a":[1]}') // { a: [1] }, rendered `{a=[1]}`
 */
export function parseJson(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch (error) {
    throw new TemplateRenderError(`$util.parseJson: ${(error as Error).message}`, { cause: error })
  }
}

const FUNCTIONS = new Map<string, (value: string) => unknown>([
  ['escapeJavaScript', escapeJavaScript],
  ['urlEncode', urlEncode],
  ['urlDecode', urlDecode],
  ['base64Encode', base64Encode],
  ['base64Decode', base64Decode],
  ['parseJson', parseJson],
])

/** `$util`. Every function maps null to null, so `$util.urlEncode($missing)` renders empty, as AWS records. */
export class UtilVariable extends HostObject {
  vtlProperty(): unknown {
    return undefined
  }

  vtlCall(name: string, [value]: unknown[]): unknown {
    const fn = FUNCTIONS.get(name)
    if (!fn || value === null || value === undefined) return undefined
    return fn(javaString(value))
  }
}
