import { header, type ReceivedRequest } from './backends'

/**
 * The expectation matcher for `http-cases.json` (conformance/README.md): compares what the
 * gateway answered, and what the backend received, with a case's `expected`, and says how
 * they differ in words a reader can act on.
 */

export type BodyMatch = 'exact' | 'json' | 'json-subset' | 'bytes-base64'
export type HeaderExpectation = string | { contains: string } | { startsWith: string }

export interface BackendExpectation {
  method?: string
  path?: string
  /** name → values; a plain string is the values joined with `,` (as the Lambda URL echo reports them). */
  query?: Record<string, string | string[]>
  queryAbsent?: string[]
  headers?: Record<string, HeaderExpectation>
  headersExact?: Record<string, HeaderExpectation>
  headersAbsent?: string[]
  body?: unknown
  bodyMatch?: BodyMatch
  [other: string]: unknown
}

export interface Expected {
  status?: number
  headers?: Record<string, HeaderExpectation>
  headersAbsent?: string[]
  body?: unknown
  bodyMatch?: BodyMatch
  backendReceived?: BackendExpectation
  /** Lambda proxy echoes: the response body is the event; its `headers` must have exactly the expected keys. */
  eventHeadersExact?: boolean
  headersAbsentInEvent?: string[]
  /** Not checked against AWS, so not checked here. */
  headersFromLocalStackOnly?: unknown
  bodyFromLocalStackOnly?: boolean
  bodyNotes?: string
}

export interface ActualResponse {
  status: number
  /** Node's `rawHeaders`: name, value, name, value … */
  rawHeaders: string[]
  body: Buffer
}

export interface MatchContext {
  /** The id of the API under test: what `<api-id>` stands for. */
  apiId: string
}

const backendFields = new Set(['method', 'path', 'query', 'queryAbsent', 'headers', 'headersExact', 'headersAbsent', 'body', 'bodyMatch'])

/**
 * Every way the response (and the backend's view of the request) differs from `expected`;
 * an empty list means the case passes.
 * @example
 * const problems = matchCase(testCase.expected, { status, rawHeaders, body }, backends.received(apiId), { apiId })
 * if (problems.length > 0) throw new Error(problems.join('\n'))
 */
export function matchCase(expected: Expected, actual: ActualResponse, received: ReceivedRequest | undefined, ctx: MatchContext): string[] {
  const out: string[] = []
  if (expected.status !== undefined && actual.status !== expected.status) {
    out.push(`status: expected ${expected.status}, got ${actual.status}`)
  }

  const headers = pairs(actual.rawHeaders)
  matchHeaderSubset('response header', expected.headers ?? {}, headers, ctx, out)
  for (const name of expected.headersAbsent ?? []) {
    const value = lookup(headers, name)
    if (value !== undefined) out.push(`response header ${name}: expected absent, got ${show(value)}`)
  }

  if (!expected.bodyFromLocalStackOnly) {
    if (expected.body !== undefined) matchBody('body', expected.body, expected.bodyMatch, actual.body, ctx, out)
    if (expected.eventHeadersExact || expected.headersAbsentInEvent) matchEventHeaders(expected, actual.body, out)
  }

  if (expected.backendReceived) matchBackend(expected.backendReceived, received, ctx, out)
  return out
}

function matchBackend(want: BackendExpectation, got: ReceivedRequest | undefined, ctx: MatchContext, out: string[]) {
  if (!got) {
    out.push('backendReceived: the backend received no request')
    return
  }
  // Free-form fields describe what an AWS service made of the request (e.g. SQS's MessageBody).
  for (const field of Object.keys(want).filter((f) => !backendFields.has(f))) {
    if (!got.fields || !(field in got.fields)) out.push(`backendReceived.${field}: the backend (${got.backend}) reported no such field`)
    else jsonMatches(want[field], got.fields[field], false, `backend (${got.backend}) received ${field}`, ctx, out)
  }
  const where = `backend (${got.backend}) received`
  if (want.method !== undefined && got.method.toUpperCase() !== want.method.toUpperCase()) {
    out.push(`${where} method: expected ${want.method}, got ${got.method}`)
  }
  if (want.path !== undefined && got.path !== want.path) out.push(`${where} path: expected ${show(want.path)}, got ${show(got.path)}`)
  for (const [name, values] of Object.entries(want.query ?? {})) {
    const actual = got.query[name]
    if (actual === undefined) out.push(`${where} query ${name}: missing (query was ${show(got.query)})`)
    else if (Array.isArray(values) ? !sameList(values, actual) : actual.join(',') !== values) {
      out.push(`${where} query ${name}: expected ${show(values)}, got ${show(actual)}`)
    }
  }
  for (const name of want.queryAbsent ?? []) {
    if (got.query[name] !== undefined) out.push(`${where} query ${name}: expected absent, got ${show(got.query[name])}`)
  }

  const headers = got.headers
  matchHeaderSubset(`${where} header`, want.headers ?? {}, headers, ctx, out)
  if (want.headersExact) {
    matchHeaderSubset(`${where} header`, want.headersExact, headers, ctx, out)
    const allowed = new Set(Object.keys(want.headersExact).map((n) => n.toLowerCase()))
    const extra = [...new Set(headers.map(([n]) => n))].filter((n) => !allowed.has(n.toLowerCase()))
    for (const name of extra) out.push(`${where} header ${name}: not expected (headersExact), got ${show(header(got, name))}`)
  }
  for (const name of want.headersAbsent ?? []) {
    const value = header(got, name)
    if (value !== undefined) out.push(`${where} header ${name}: expected absent, got ${show(value)}`)
  }
  if (want.body !== undefined) matchBody(`${where} body`, want.body, want.bodyMatch, got.body, ctx, out)
}

function matchHeaderSubset(label: string, want: Record<string, HeaderExpectation>, got: [string, string][], ctx: MatchContext, out: string[]) {
  for (const [name, expectation] of Object.entries(want)) {
    const value = lookup(got, name)
    if (value === undefined) {
      out.push(`${label} ${name}: missing (expected ${show(expectation)})`)
      continue
    }
    const ok =
      typeof expectation === 'object' && expectation !== null
        ? 'contains' in expectation
          ? value.includes(expectation.contains)
          : value.startsWith(expectation.startsWith)
        : stringMatches(String(expectation), value, ctx)
    if (!ok) out.push(`${label} ${name}: expected ${show(expectation)}, got ${show(value)}`)
  }
}

function matchBody(label: string, want: unknown, mode: BodyMatch | undefined, got: Buffer, ctx: MatchContext, out: string[]) {
  const how = mode ?? (typeof want === 'string' ? 'exact' : 'json')
  if (how === 'bytes-base64') {
    const bytes = Buffer.from(String(want), 'base64')
    if (!bytes.equals(got)) out.push(`${label}: expected bytes (base64) ${show(bytes.toString('base64'))}, got ${show(got.toString('base64'))}`)
    return
  }
  const text = got.toString('utf8')
  if (how === 'exact') {
    if (typeof want !== 'string') out.push(`${label}: an exact match needs a string expectation, the case has ${show(want)}`)
    else if (!stringMatches(want, text, ctx)) out.push(`${label}: expected ${show(want)}, got ${show(text)}`)
    return
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    out.push(`${label}: expected JSON (${how}), got ${show(text)}`)
    return
  }
  jsonMatches(want, parsed, how === 'json-subset', label, ctx, out)
}

function matchEventHeaders(expected: Expected, body: Buffer, out: string[]) {
  let event: { headers?: Record<string, unknown> | null }
  try {
    event = JSON.parse(body.toString('utf8'))
  } catch {
    out.push(`body: expected a Lambda proxy event (JSON), got ${show(body.toString('utf8'))}`)
    return
  }
  const got = Object.keys(event?.headers ?? {})
  if (expected.eventHeadersExact) {
    const want = Object.keys((expected.body as { headers?: object } | undefined)?.headers ?? {})
    const extra = got.filter((k) => !want.includes(k))
    const missing = want.filter((k) => !got.includes(k))
    if (extra.length > 0) out.push(`body.headers: unexpected keys ${show(extra)} (eventHeadersExact)`)
    if (missing.length > 0) out.push(`body.headers: missing keys ${show(missing)} (eventHeadersExact)`)
  }
  for (const name of expected.headersAbsentInEvent ?? []) {
    if (got.includes(name)) out.push(`body.headers.${name}: expected absent from the event`)
  }
}

/**
 * Deep JSON comparison with wildcards. Subset: expected members must be present and match,
 * extra members are allowed (at every depth); arrays always have the same length.
 */
function jsonMatches(want: unknown, got: unknown, subset: boolean, at: string, ctx: MatchContext, out: string[]) {
  if (typeof want === 'string' && isToken(want)) {
    if (want === '<api-id>' && got !== ctx.apiId) out.push(`${at}: expected the API id ${show(ctx.apiId)}, got ${show(got)}`)
    return
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return void out.push(`${at}: expected an array ${show(want)}, got ${show(got)}`)
    if (got.length !== want.length) return void out.push(`${at}: expected ${want.length} elements ${show(want)}, got ${got.length} ${show(got)}`)
    want.forEach((w, i) => jsonMatches(w, got[i], subset, `${at}[${i}]`, ctx, out))
    return
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return void out.push(`${at}: expected an object ${show(want)}, got ${show(got)}`)
    const g = got as Record<string, unknown>
    for (const [k, w] of Object.entries(want)) {
      if (!(k in g)) out.push(`${at}.${k}: missing (expected ${show(w)})`)
      else jsonMatches(w, g[k], subset, `${at}.${k}`, ctx, out)
    }
    if (!subset) for (const k of Object.keys(g)) if (!(k in want)) out.push(`${at}.${k}: not expected, got ${show(g[k])}`)
    return
  }
  const same = typeof want === 'string' && typeof got === 'string' ? stringMatches(want, got, ctx) : want === got
  if (!same) out.push(`${at}: expected ${show(want)}, got ${show(got)}`)
}

const hasToken = /<[a-z][a-z0-9-]*>/
const isToken = (s: string) => /^<[a-z][a-z0-9-]*>$/.test(s)

/** A string expectation: a lone `<token>` matches anything; embedded, `<api-id>` is the API id and others any run of characters. */
export function stringMatches(want: string, got: string, ctx: MatchContext): boolean {
  if (isToken(want)) return want !== '<api-id>' || got === ctx.apiId
  if (!hasToken.test(want)) return want === got
  const source = want
    .split(/(<[a-z][a-z0-9-]*>)/)
    .map((part, i) => (i % 2 === 0 ? escapeRegExp(part) : part === '<api-id>' ? escapeRegExp(ctx.apiId) : '[\\s\\S]*'))
    .join('')
  return new RegExp(`^${source}$`).test(got)
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]])
  return out
}

const lookup = (headers: [string, string][], name: string) => header({ headers }, name)
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i])
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value)
  return s.length > 300 ? `${s.slice(0, 300)}…` : s
}
