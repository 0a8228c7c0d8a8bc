import { GatewayError } from '../gateway-responses/error'
import { pinnedAuthority, type RequestPlan, type UriPart } from './request-plan'

const absoluteHttp = /^https?:\/\/[^/?#\\]+/i

const misconfigured = () => new GatewayError('API_CONFIGURATION_ERROR')

/**
 * Fills an integration URI: `${stageVariables.x}` anywhere, `{name}` from
 * `integration.request.path.name`. A missing stage variable is AWS's 500, and so is a
 * placeholder that would stand before the authority is closed: a path parameter can
 * never change the backend's scheme, host or port, nor (see `checkPathValue`) climb out of
 * the path the URI's own text sets.
 * @example backendUrl(plan, { host: 'api.example.com' }, { proxy: 'a/b' }) // 'https://api.example.com/a/b'
 */
export function backendUrl(plan: Pick<RequestPlan, 'uri' | 'uriPinned'>, stageVariables: Record<string, string>, pathValues: Record<string, string>): string {
  // A URI whose own text closes the authority (the usual case) needs no check per request.
  if (plan.uriPinned) return fillUri(plan.uri, stageVariables, pathValues)
  const out = fillUri(plan.uri, stageVariables, pathValues, (before) => pinnedAuthority.test(before))
  if (!absoluteHttp.test(out)) throw misconfigured()
  return out
}

/**
 * Fills a parsed URI template (an http URL or an AWS ARN). `paramAllowed` sees the text
 * before each `{name}` and may refuse it (a 500). A value that stands in the path goes
 * through `checkPathValue` (a 400 for a dot-segment).
 * @example fillUri(requestPlan(integration).uri, inv.stage.variables, { key: 'a/b.txt' }) // 'arn:aws:apigateway:us-east-1:s3:path/bucket/a/b.txt'
 */
export function fillUri(
  parts: UriPart[],
  stageVariables: Record<string, string>,
  pathValues: Record<string, string>,
  paramAllowed: (before: string) => boolean = () => true,
): string {
  let out = ''
  for (const part of parts) {
    if ('text' in part) out += part.text
    else if ('stageVariable' in part) {
      const value = stageVariables[part.stageVariable]
      if (value === undefined || value === '') throw misconfigured()
      out += value
    } else {
      if (!paramAllowed(out)) throw misconfigured()
      const value = pathValues[part.param] ?? ''
      if (part.inPath) checkPathValue(value)
      out += value
    }
  }
  return out
}

/**
 * Refuses (AWS's 400 Bad Request) a value bound for a URL path that holds a dot-segment: a
 * piece between `/`, `\`, `%2F` or `%5C` that is `.` or `..` in any spelling (`%2e`, `.%2E`…),
 * also followed by `;…` (Tomcat's path parameters). The fetch API's URL parser resolves such
 * segments (`/public/%2e%2e/keyed` becomes `/keyed`), and so would a backend that decodes `%2F`
 * before it normalises: either way the request would leave the prefix the integration URI set.
 * Keeping the segment encoded is no way out, since no spelling of it survives that parser
 * except a double encoding, which would hand the backend another value than the client sent.
 * For every integration that fills a path: HTTP, HTTP_PROXY and AWS path targets.
 * @example checkPathValue('docs/a.txt') // passes; checkPathValue('%2e%2e/keyed') // throws a 400
 */
export function checkPathValue(value: string): void {
  // Most values have neither a dot nor an escape: nothing to look at.
  if (!value.includes('.') && !value.includes('%')) return
  // The URL parser drops tabs and newlines anywhere; `%2e` is a dot to it, `%2f` and `%5c` are separators to some backends.
  const plain = value.replace(/[\t\n\r]/g, '').replace(/%2e/gi, '.').replace(/%2f/gi, '/').replace(/%5c/gi, '\\')
  for (const piece of plain.split(/[/\\]/)) {
    if (dotSegment.test(piece)) throw new GatewayError('DEFAULT_4XX')
  }
}

const dotSegment = /^\.\.?(?:;.*)?$/s

/** Appends query parameters (already encoded as `a=1&b=2`) to a URL string. */
export const withQuery = (url: string, query: string) => (query === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${query}`)
