import type { Api, Method, Stage } from './table'
import type { Document } from './schema'
import { normalizeMethodSettingKeys } from './cache-settings'
import { accessLogFormatProblems } from '../observe/access-log/format'
import { isSinkUrl } from '../observe/access-log/sink-url'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void
type StageDefinition = NonNullable<NonNullable<Document['x-gateway']>['stages']>[string]

/** A stage's observability settings: detailed metrics per method, the access-log format, tracing. */
export function compileObserveSettings(stage: StageDefinition): Pick<Stage, 'metricsEnabled' | 'accessLogFormat' | 'accessLogDestinationUrl' | 'tracingEnabled'> {
  const metricsEnabled: Record<string, boolean> = {}
  for (const [key, s] of Object.entries(normalizeMethodSettingKeys(stage.methodSettings) ?? {})) {
    if (s.metricsEnabled !== undefined) metricsEnabled[key] = s.metricsEnabled
  }
  return {
    ...(Object.keys(metricsEnabled).length > 0 ? { metricsEnabled } : {}),
    ...(stage.accessLogSettings?.format ? { accessLogFormat: stage.accessLogSettings.format } : {}),
    ...(stage.accessLogSettings?.format && stage.accessLogSettings.destinationUrl ? { accessLogDestinationUrl: stage.accessLogSettings.destinationUrl } : {}),
    ...(stage.tracingEnabled ? { tracingEnabled: true } : {}),
  }
}

/**
 * Whether `method` publishes detailed metrics in `stage`: its own `methodSettings` key, then
 * `/path/*`, then `*\/*`, as the other method settings resolve.
 * @example metricsEnabledFor(stage, method) // true when methodSettings['*\/*'].metricsEnabled
 */
export function metricsEnabledFor(stage: Stage, method: Method): boolean {
  const s = stage.metricsEnabled
  if (!s) return false
  return s[`${method.resourcePath}/${method.httpMethod}`] ?? s[`${method.resourcePath}/*`] ?? s['*/*'] ?? false
}

/**
 * Access-log formats with unknown variables, several lines or over AWS's size fail `validate`;
 * so does a `destinationUrl` that is not an http(s) URL, or has no format to send.
 */
export function checkObserveSettings(doc: Document, _api: Api, report: Report) {
  for (const [name, stage] of Object.entries(doc['x-gateway']?.stages ?? {})) {
    const path = ['x-gateway', 'stages', name, 'accessLogSettings']
    const { format, destinationUrl } = stage.accessLogSettings ?? {}
    if (destinationUrl !== undefined && !isSinkUrl(destinationUrl)) report([...path, 'destinationUrl'], `must be an http:// or https:// URL, not ${JSON.stringify(destinationUrl)}`)
    else if (destinationUrl !== undefined && format === undefined) report([...path, 'destinationUrl'], 'needs accessLogSettings.format: the lines sent are written in it')
    if (format === undefined) continue
    for (const problem of accessLogFormatProblems(format)) report([...path, 'format'], problem)
  }
}
