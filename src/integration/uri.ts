import type { Integration } from '../definitions/table'
import { GatewayError } from '../gateway-responses/error'
import { requestPlan } from './request-plan'

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
  let out = ''
  for (const part of requestPlan(integration).uri) {
    if ('text' in part) out += part.text
    else if ('stageVariable' in part) {
      const value = stageVariables[part.stageVariable]
      if (value === undefined || value === '') throw misconfigured()
      out += value
    } else {
      if (!pinnedAuthority.test(out)) throw misconfigured()
      out += pathValues[part.param] ?? ''
    }
  }
  if (!absoluteHttp.test(out)) throw misconfigured()
  return out
}

/** Appends query parameters (already encoded as `a=1&b=2`) to a URL string. */
export const withQuery = (url: string, query: string) => (query === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${query}`)
