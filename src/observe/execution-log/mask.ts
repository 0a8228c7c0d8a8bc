/** Headers whose values are credentials: never written in full (AWS masks them too). */
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'set-cookie', 'x-amz-security-token'])

/**
 * A credential as execution logs show it: its last four characters after `****` when it is long
 * enough for those four to give nothing away, else `****`.
 * @example masked('Bearer eyJhbGciOi.abcd') // '****abcd'
 */
export const masked = (value: string) => (value.length >= 16 ? `****${value.slice(-4)}` : '****')

/**
 * Headers as AWS's execution logs print a map, `{Name=value, …}`, credentials masked: the
 * usual ones and `also` (a method's authorizer identity headers), lower-case names.
 * @example headerMap(new Headers({ accept: '*\/*', authorization: 'Bearer abcdefghijklmnop' })) // '{accept=*\/*, authorization=****mnop}'
 */
export function headerMap(headers: Iterable<[string, string]>, also?: ReadonlySet<string>): string {
  const parts: string[] = []
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
    parts.push(`${name}=${secretHeaders.has(lower) || also?.has(lower) ? masked(value) : value}`)
  }
  return `{${parts.join(', ')}}`
}

/**
 * Path or query parameters as AWS's execution logs print a map: `{id=7, q=cats}`.
 * @example parameterMap({ id: '7' }) // '{id=7}'
 */
export const parameterMap = (values: Iterable<[string, string]>) => `{${Array.from(values, ([k, v]) => `${k}=${v}`).join(', ')}}`
