import type { Integration } from '../definitions/table'
import { GatewayError } from '../gateway-responses/error'

/** `application/json; charset=UTF-8` → `application/json`; no Content-Type counts as JSON. */
export const mediaTypeOf = (contentType: string | null) =>
  (contentType?.split(';')[0].trim().toLowerCase() || 'application/json')

/**
 * Picks the request template for the request's Content-Type, applying the passthrough
 * behaviour (../shared/spec §2.2): a template to render, `passthrough` for the raw body,
 * or AWS's 415 Unsupported Media Type.
 */
export function selectRequestTemplate(integration: Integration, contentType: string | null): { template: string; key: string } | 'passthrough' {
  const templates = integration.requestTemplates
  const keys = Object.keys(templates)
  const mediaType = mediaTypeOf(contentType)
  const key = keys.find((k) => k.toLowerCase() === mediaType)
  if (key !== undefined) return { template: templates[key], key }
  const behavior = integration.passthroughBehavior
  if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && keys.length > 0)) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE')
  }
  return 'passthrough'
}

/**
 * Picks the response template for the request's Accept: the first listed type that has one,
 * else `application/json`, else the first template defined.
 */
export function selectResponseTemplate(templates: Record<string, string>, accept: string | null): { template: string; key: string } | undefined {
  const keys = Object.keys(templates)
  if (keys.length === 0) return undefined
  for (const part of (accept ?? 'application/json').split(',')) {
    const type = part.split(';')[0].trim().toLowerCase()
    const key = keys.find((k) => k.toLowerCase() === type)
    if (key !== undefined) return { template: templates[key], key }
  }
  const key = keys.find((k) => k.toLowerCase() === 'application/json') ?? keys[0]
  return { template: templates[key], key }
}
