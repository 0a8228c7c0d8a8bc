import { GatewayError } from '../gateway-responses/error'
import { pinnedAuthority, type RequestPlan, type UriPart } from './request-plan'

const absoluteHttp = /^https?:\/\/[^/?#\\]+/i

const misconfigured = () => new GatewayError('API_CONFIGURATION_ERROR')

/**
 * Fills an integration URI: `${stageVariables.x}` anywhere, `{name}` from
 * `integration.request.path.name`. A missing stage variable is AWS's 500, and so is a
 * placeholder that would stand before the authority is closed: a path parameter can
 * never change the backend's scheme, host or port.
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
 * before each `{name}` and may refuse it (a 500).
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
      out += pathValues[part.param] ?? ''
    }
  }
  return out
}

/** Appends query parameters (already encoded as `a=1&b=2`) to a URL string. */
export const withQuery = (url: string, query: string) => (query === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${query}`)
