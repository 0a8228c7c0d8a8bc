import { contextVariable, isLoggableVariable } from './variables'

/** AWS's limit on an access-log format (DG/http-api-logging: 3 KB). */
export const maxFormatBytes = 3 * 1024

/** Reads one variable from a request's record; undefined when unset. */
export type Getter<R> = (record: R) => unknown

/** A format compiled once: literal text between variables, and one getter per variable. */
export type AccessLogFormat<R> = (record: R) => string

const encoder = new TextEncoder()

/**
 * What is wrong with an access-log format, as `validate` reports it: unknown variables, a
 * second line, more than AWS's 3 KB, or no request id to find the request by (AWS requires
 * `$context.requestId` or `$context.extendedRequestId`).
 * @example accessLogFormatProblems('$context.requestId $context.nope') // ['unknown $context variable $context.nope']
 */
export function accessLogFormatProblems(format: string): string[] {
  const problems: string[] = []
  const size = encoder.encode(format).byteLength
  if (size > maxFormatBytes) problems.push(`is ${size} bytes; AWS allows at most ${maxFormatBytes}`)
  if (/[\r\n]/.test(format)) problems.push('must be a single line')
  const names = [...format.matchAll(contextVariable)].map((m) => m[1])
  for (const name of new Set(names)) if (!isLoggableVariable(name)) problems.push(`unknown $context variable $context.${name}`)
  if (!names.includes('requestId') && !names.includes('extendedRequestId')) problems.push('must include $context.requestId or $context.extendedRequestId')
  return problems
}

/**
 * Compiles a format once, resolving each variable to its getter here; a line then only calls
 * them. An unset variable logs `-`, as on AWS; control characters in a value are escaped, so a
 * client's header can never start a second line.
 * @example compileAccessLogFormat('$context.requestId $context.status', (name) => (r) => r[name])({ requestId: 'r1' }) // 'r1 -'
 */
export function compileAccessLogFormat<R>(format: string, getterFor: (name: string) => Getter<R>): AccessLogFormat<R> {
  const literals: string[] = []
  const getters: Getter<R>[] = []
  let at = 0
  for (const m of format.matchAll(contextVariable)) {
    literals.push(format.slice(at, m.index))
    getters.push(getterFor(m[1]))
    at = m.index + m[0].length
  }
  const last = format.slice(at)
  return (record) => {
    let line = ''
    for (let i = 0; i < getters.length; i++) line += literals[i] + logValue(getters[i](record))
    return line + last
  }
}

function logValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-'
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[\x00-\x1f\x7f]/.test(text) ? text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : text
}
