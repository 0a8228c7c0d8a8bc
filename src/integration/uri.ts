import type { Integration } from '../definitions/table'
import { GatewayError } from '../gateway-responses/error'
import { requestPlan, type UriPart } from './request-plan'

/** Scheme and authority, closed by the first `/`, `?`, `#` or `\`: after that nothing can move the host. */
const pinnedAuthority = /^https?:\/\/[^/?#\\]+[/?#\\]/i
const absoluteHttp = /^https?:\/\/[^/?#\\]+/i

const misconfigured = () => new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error' })

/**
 * Fills an integration URI: `${stageVariables.x}` anywhere, `{name}` from
 * `integration.request.path.name`. A missing stage variable is AWS's 500, and so is a
 * placeholder that would stand before the authority is closed: a path parameter can
 * never change the backend's scheme, host or port.
 * @example backendUrl(integration, { host: 'api.example.com' }, { proxy: 'a/b' }) // 'https://api.example.com/a/b'
 */
export function backendUrl(integration: Integration, stageVariables: Record<string, string>, pathValues: Record<string, string>): string {
  const parts = requestPlan(integration).uri
  // A URI whose own text closes the authority (the usual case) needs no check per request.
  if (startsWithAuthority(parts)) return fillUri(parts, stageVariables, pathValues)
  const out = fillUri(parts, stageVariables, pathValues, (before) => pinnedAuthority.test(before))
  if (!absoluteHttp.test(out)) throw misconfigured()
  return out
}

const pinnedUris = new WeakMap<UriPart[], boolean>()

/** Whether the template's leading text already closes the authority, decided once per template. */
function startsWithAuthority(parts: UriPart[]): boolean {
  let pinned = pinnedUris.get(parts)
  if (pinned === undefined) pinnedUris.set(parts, (pinned = parts.length > 0 && 'text' in parts[0] && pinnedAuthority.test(parts[0].text)))
  return pinned
}

/**
 * Fills a parsed URI template (an http URL or an AWS ARN). `paramAllowed` sees the text
 * before each `{name}` and may refuse it (a 500).
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
