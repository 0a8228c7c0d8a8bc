import type { Expected, HeaderExpectation } from './match'

/**
 * Expectations of http-cases.json that cannot hold on workerd, taken out of a case before it is
 * matched. A case passed with any of them waived is counted and printed apart from plain passes,
 * and the whole set must equal `documentedWaivers`, so a new waiver cannot creep in unnoticed.
 */

/**
 * Every waiver, by case id: what the recording expects that workerd cannot give. Two kinds:
 * - headers workerd never puts on the wire: it drops `Trailer` and `Upgrade` from outgoing requests
 *   and `TE` from responses, and manages `Connection` itself, sending none on an HTTP/1.1
 *   keep-alive response (checked directly against the workerd binary);
 * - the client's header-name casing in a Lambda proxy event: Workers lower-case request header
 *   names, so the gateway shows `tEsT-HEADeR` as `Test-Header`.
 * Delete an entry when the runtime lets the gateway meet it; add one only with its reason here.
 */
export const documentedWaivers: Record<string, string[]> = {
  'mock-response-headers-no-trace-id': ['response header Connection'],
  'mock-response-no-trace-id-even-if-sent': ['response header Connection'],
  'aws-proxy-response-has-trace-id': ['response header Connection'],
  'lambda-proxy-v1-event-full': ['event header name tEsT-HEADeR (shown as Test-Header)', 'event multiValueHeader name tEsT-HEADeR (shown as Test-Header)'],
  'lambda-proxy-ignores-request-parameter-mappings': ['event header name foobar (shown as Foobar)', 'event header name headerVar (shown as Headervar)'],
  'http-header-visibility-mapping-and-response-remap': ['response header TE', 'backend header Trailer', 'backend header Upgrade'],
}

const runtimeStripped = { response: ['te', 'connection'], backend: ['trailer', 'upgrade'] }

/** How the gateway shows a request header name in a Lambda proxy event. */
const shownHeaderName = (name: string) => name.toLowerCase().replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase())

/**
 * A case's expectations without what workerd cannot meet, and what was taken out.
 * @example
 * const { expected, waived } = waiveRuntimeLimits(c.expected, echoesEvent)
 * if (waived.length > 0) passedWithWaivers.push(c.id)
 */
export function waiveRuntimeLimits(expected: Expected, echoesEvent: boolean): { expected: Expected; waived: string[] } {
  const waived: string[] = []
  const keep = (headers: Record<string, HeaderExpectation> | undefined, names: string[], where: string) =>
    headers &&
    Object.fromEntries(
      Object.entries(headers).filter(([name]) => {
        const stripped = names.includes(name.toLowerCase())
        if (stripped) waived.push(`${where} header ${name}`)
        return !stripped
      }),
    )
  const out = { ...(echoesEvent ? waiveEventHeaderCasing(expected, waived) : expected), headers: keep(expected.headers, runtimeStripped.response, 'response') } as Expected
  if (expected.backendReceived) {
    out.backendReceived = { ...expected.backendReceived, headers: keep(expected.backendReceived.headers, runtimeStripped.backend, 'backend') }
  }
  return { expected: out, waived }
}

function waiveEventHeaderCasing(expected: Expected, waived: string[]): Expected {
  const body = expected.body as { headers?: Record<string, unknown>; multiValueHeaders?: Record<string, unknown> } | undefined
  if (!body || typeof body !== 'object') return expected
  const rename = (headers: Record<string, unknown> | undefined, where: string) =>
    headers &&
    Object.fromEntries(
      Object.entries(headers).map(([name, value]) => {
        const shown = shownHeaderName(name)
        if (shown !== name) waived.push(`event ${where} name ${name} (shown as ${shown})`)
        return [shown, value]
      }),
    )
  return {
    ...expected,
    body: { ...body, ...(body.headers ? { headers: rename(body.headers, 'header') } : {}), ...(body.multiValueHeaders ? { multiValueHeaders: rename(body.multiValueHeaders, 'multiValueHeader') } : {}) },
    ...(expected.headersAbsentInEvent ? { headersAbsentInEvent: expected.headersAbsentInEvent.map(shownHeaderName) } : {}),
  }
}
