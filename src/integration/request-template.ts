import type { PassthroughBehavior } from '../definitions/table'
import { GatewayError } from '../gateway-responses/error'
import type { MediaTemplate } from './templates'

/** `application/json; charset=UTF-8` → `application/json`; no Content-Type counts as JSON. */
export const mediaTypeOf = (contentType: string | null) =>
  (contentType?.split(';')[0].trim().toLowerCase() || 'application/json')

/**
 * Picks the request template for the request's Content-Type, applying the passthrough
 * behaviour (../shared/spec §2.2): a template to render, `passthrough` for the raw body,
 * or AWS's 415 Unsupported Media Type.
 * @example selectRequestTemplate(plan.requestTemplates, 'WHEN_NO_MATCH', 'text/plain') // 'passthrough' when none is for text/plain
 */
export function selectRequestTemplate(templates: MediaTemplate[], behavior: PassthroughBehavior, contentType: string | null): MediaTemplate | 'passthrough' {
  const mediaType = mediaTypeOf(contentType)
  const found = templates.find((t) => t.mediaType === mediaType)
  if (found) return found
  if (behavior === 'NEVER' || (behavior === 'WHEN_NO_TEMPLATES' && templates.length > 0)) {
    throw new GatewayError('UNSUPPORTED_MEDIA_TYPE')
  }
  return 'passthrough'
}

/**
 * Picks the response template for the request's Accept: the first listed type that has one,
 * else `application/json`, else the first template defined.
 * @example selectResponseTemplate(response.templates, 'text/html, application/json')?.key // 'application/json' when only that one exists
 */
export function selectResponseTemplate(templates: MediaTemplate[], accept: string | null): MediaTemplate | undefined {
  if (templates.length === 0) return undefined
  for (const part of (accept ?? 'application/json').split(',')) {
    const type = part.split(';')[0].trim().toLowerCase()
    const found = templates.find((t) => t.mediaType === type)
    if (found) return found
  }
  return templates.find((t) => t.mediaType === 'application/json') ?? templates[0]
}
