import type { Api, ExecutionLogSetting, Method, Stage } from './table'
import type { Document } from './schema'
import { normalizeMethodSettingKeys } from './cache-settings'
import { accessLogFormatProblems } from '../observe/access-log/format'
import { isSinkUrl } from '../observe/access-log/sink-url'

type Path = (string | number)[]
type Report = (path: Path, message: string) => void
type StageDefinition = NonNullable<NonNullable<Document['x-gateway']>['stages']>[string]

/** A stage's observability settings: detailed metrics and execution logging per method, the access log, tracing. */
export function compileObserveSettings(stage: StageDefinition): Pick<Stage, 'metricsEnabled' | 'accessLogFormat' | 'accessLogDestinationUrl' | 'tracingEnabled' | 'executionLogging'> {
  const metricsEnabled: Record<string, boolean> = {}
  const executionLogging: Record<string, ExecutionLogSetting> = {}
  for (const [key, s] of Object.entries(normalizeMethodSettingKeys(stage.methodSettings) ?? {})) {
    if (s.metricsEnabled !== undefined) metricsEnabled[key] = s.metricsEnabled
    if (s.loggingLevel !== undefined || s.dataTraceEnabled !== undefined) executionLogging[key] = { loggingLevel: s.loggingLevel, dataTraceEnabled: s.dataTraceEnabled }
  }
  return {
    ...(Object.keys(metricsEnabled).length > 0 ? { metricsEnabled } : {}),
    ...(Object.keys(executionLogging).length > 0 ? { executionLogging } : {}),
    ...accessLogOf(stage.accessLogSettings),
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
 * A method's execution logging in `stage`, each field from the most specific key that sets it
 * (`/path/GET`, `/path/*`, `*\/*`); OFF and no data trace by default.
 * @example executionLoggingFor(stage, method) // { loggingLevel: 'INFO', dataTraceEnabled: false }
 */
export function executionLoggingFor(stage: Stage, method: Method): Required<ExecutionLogSetting> {
  const s = stage.executionLogging
  const keys = [`${method.resourcePath}/${method.httpMethod}`, `${method.resourcePath}/*`, '*/*']
  const field = <K extends keyof ExecutionLogSetting>(name: K) => keys.map((k) => s?.[k]?.[name]).find((v) => v !== undefined)
  return { loggingLevel: field('loggingLevel') ?? 'OFF', dataTraceEnabled: field('dataTraceEnabled') ?? false }
}

/**
 * Access-log formats with unknown variables, several lines or over AWS's size fail `validate`;
 * so does a `destinationUrl` that is not an http(s) URL, or has no format to send.
 */
export function checkObserveSettings(doc: Document, _api: Api, report: Report) {
  for (const [name, stage] of Object.entries(doc['x-gateway']?.stages ?? {})) checkAccessLogSettings(stage.accessLogSettings, ['x-gateway', 'stages', name, 'accessLogSettings'], report)
}

/** One stage's `accessLogSettings` (REST, HTTP and WebSocket APIs alike), checked at `path`. */
export function checkAccessLogSettings(settings: { format?: string; destinationUrl?: string } | undefined, path: Path, report: Report) {
  const { format, destinationUrl } = settings ?? {}
  if (destinationUrl !== undefined && !isSinkUrl(destinationUrl)) report([...path, 'destinationUrl'], `must be an http:// or https:// URL, not ${JSON.stringify(destinationUrl)}`)
  else if (destinationUrl !== undefined && format === undefined) report([...path, 'destinationUrl'], 'needs accessLogSettings.format: the lines sent are written in it')
  if (format === undefined) return
  for (const problem of accessLogFormatProblems(format)) report([...path, 'format'], problem)
}

/** The access-log fields of a stage's table entry, from its `accessLogSettings`. */
export const accessLogOf = (settings: { format?: string; destinationUrl?: string } | undefined): Pick<Stage, 'accessLogFormat' | 'accessLogDestinationUrl'> => ({
  ...(settings?.format ? { accessLogFormat: settings.format } : {}),
  ...(settings?.format && settings.destinationUrl ? { accessLogDestinationUrl: settings.destinationUrl } : {}),
})
