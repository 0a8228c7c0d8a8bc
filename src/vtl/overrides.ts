import { isMap, javaToString, type JavaMap } from './java-values'

/** `$context.requestOverride`: values that replace the mapped integration request parameters. */
export interface RequestOverride {
  header: Record<string, string>
  path: Record<string, string>
  querystring: Record<string, string>
}

/** `$context.responseOverride`: header values and status; AWS carries any other key along unchanged. */
export interface ResponseOverride {
  header: Record<string, string>
  status?: number
  [key: string]: unknown
}

/**
 * Fresh, empty override maps for one invocation. Put both into `$context` for the request template and
 * keep the same objects for the response template: AWS carries overrides from one to the other.
 *
 * @example
 * const overrides = newOverrides()
 * template.render({ ...input, context: { ...context, ...overrides } })
 * overrides.responseOverride.status // e.g. 400
 */
export function newOverrides(): { requestOverride: RequestOverride; responseOverride: ResponseOverride } {
  return {
    requestOverride: { header: {}, path: {}, querystring: {} },
    responseOverride: { header: {} },
  }
}

/**
 * Brings what a template assigned back to the documented shapes, so callers read plain strings: a list
 * becomes one comma-separated value (HTTP's rule for a repeated field), other values their Java text, and
 * null removes the entry. A status that is not an integer from 100 to 599 is dropped, as AWS ignores it.
 *
 * @example
 * normalizeOverrides(context) // responseOverride.status '400' becomes 400
 */
export function normalizeOverrides(context: Record<string, unknown>): void {
  const { requestOverride, responseOverride } = context
  if (isMap(requestOverride)) {
    for (const part of ['header', 'path', 'querystring']) requestOverride[part] = stringMap(requestOverride[part])
  }
  if (isMap(responseOverride)) {
    responseOverride.header = stringMap(responseOverride.header)
    const status = Number(responseOverride.status)
    if (Number.isInteger(status) && status >= 100 && status <= 599) responseOverride.status = status
    else delete responseOverride.status
  }
}

function stringMap(value: unknown): Record<string, string> {
  if (!isMap(value)) return {}
  const map: JavaMap = value
  for (const [key, entry] of Object.entries(map)) {
    if (entry === null || entry === undefined) delete map[key]
    else if (Array.isArray(entry)) map[key] = entry.map(javaToString).join(', ')
    else map[key] = javaToString(entry)
  }
  return map as Record<string, string>
}
