import type { Integration } from '../definitions/table'
import { GatewayError } from '../gateway-responses/error'

type Part = { text: string } | { stageVariable: string } | { param: string }

const token = /\$\{stageVariables\.([A-Za-z0-9_]+)\}|\{([^{}]+)\}/g
const compiled = new WeakMap<Integration, Part[]>()

function parse(uri: string): Part[] {
  const parts: Part[] = []
  let last = 0
  for (const m of uri.matchAll(token)) {
    if (m.index > last) parts.push({ text: uri.slice(last, m.index) })
    parts.push(m[1] ? { stageVariable: m[1] } : { param: m[2].replace(/\+$/, '') })
    last = m.index + m[0].length
  }
  if (last < uri.length) parts.push({ text: uri.slice(last) })
  return parts
}

/**
 * Fills an integration URI: `${stageVariables.x}` anywhere, `{name}` from
 * `integration.request.path.name`. A stage variable that is missing, or a result whose
 * scheme/host/port differ from what the URI's own text fixes, is a 500 (AWS's "Internal server error").
 * @example backendUrl(integration, { host: 'api.example.com' }, { proxy: 'a/b' })
 */
export function backendUrl(integration: Integration, stageVariables: Record<string, string>, pathValues: Record<string, string>): URL {
  let parts = compiled.get(integration)
  if (!parts) compiled.set(integration, (parts = parse(integration.uri ?? '')))
  let out = ''
  let authorityFixed: string | undefined
  for (const part of parts) {
    if ('text' in part) out += part.text
    else if ('stageVariable' in part) {
      const value = stageVariables[part.stageVariable]
      if (value === undefined || value === '') {
        throw new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error' })
      }
      out += value
    } else {
      // Placeholders only ever stand after the authority (the compiler checks), so pin it first.
      authorityFixed ??= originOf(out)
      out += pathValues[part.param] ?? ''
    }
  }
  let url: URL
  try {
    url = new URL(out)
  } catch {
    throw new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error' })
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (authorityFixed !== undefined && url.origin !== authorityFixed)) {
    throw new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error' })
  }
  return url
}

function originOf(prefix: string): string | undefined {
  try {
    return new URL(/^[a-z]+:\/\/[^/?#]*/i.exec(prefix)?.[0] ?? '').origin
  } catch {
    return undefined
  }
}
