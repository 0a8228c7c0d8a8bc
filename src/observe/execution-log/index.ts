import type { RouteTable } from '../../definitions/table'
import type { Invocation } from '../../invocation'
import { StageMethodMap, stageMethods } from '../../definitions/walk'
import { executionLoggingFor } from '../../definitions/observe-settings'
import { queryOf } from '../../invocation'
import { headerMap, parameterMap } from './mask'

type Write = (message: string) => void

/**
 * One request's execution log (AWS's `loggingLevel`), kept on the invocation as `inv.log`, absent
 * when the method's level is OFF. Steps write through the level they need, so at a lower level
 * the line is never built: `inv.log?.info?.(`Endpoint request URI: ${url}`)`.
 */
export interface ExecutionLog {
  /** INFO: each step as it runs. Undefined at ERROR. */
  info: Write | undefined
  /** `dataTraceEnabled` (with INFO): headers and bodies, before and after templates. */
  data: Write | undefined
  /** ERROR and INFO: why execution failed. */
  error: Write
  /** Header names masked besides the usual credentials: the method's authorizer identity headers. */
  secrets: ReadonlySet<string>
  /** The lines so far, each `(requestId) message`; written together when the request ends. */
  lines: string[]
  /** AWS's own words for why execution failed, set by the step that knows them; else the closing line words it from the failure. */
  failed?: string
}

interface Level {
  info: boolean
  data: boolean
  secrets: ReadonlySet<string>
}

/**
 * Opens a request's execution log once the route is known, from its stage's `methodSettings`
 * (`loggingLevel`, `dataTraceEnabled`), resolved here once per stage and method. REST APIs only:
 * AWS gives HTTP APIs access logs alone. At INFO the opening lines are AWS's: the extended
 * request id, the method and path, the path and query parameters (headers with data trace).
 * @example
 * const openExecutionLog = createExecutionLogStep(table)
 * inv.log = openExecutionLog(inv)
 */
export function createExecutionLogStep(table: RouteTable): (inv: Invocation) => ExecutionLog | undefined {
  const levels = new StageMethodMap<Level>()
  let any = false
  for (const { api, stage, method } of stageMethods(table)) {
    if (api.protocol !== 'REST') continue
    const { loggingLevel, dataTraceEnabled } = executionLoggingFor(stage, method)
    if (loggingLevel === 'OFF') continue
    const authorizer = method.authorizer && api.authorizers?.[method.authorizer.name]
    const secrets = new Set(authorizer ? authorizer.identitySources.filter((s) => s.location === 'header').map((s) => s.name.toLowerCase()) : [])
    levels.set(stage, method, { info: loggingLevel === 'INFO', data: loggingLevel === 'INFO' && dataTraceEnabled, secrets })
    any = true
  }
  if (!any) return () => undefined

  return function openExecutionLog(inv) {
    const level = levels.get(inv.stage, inv.method)
    if (!level) return undefined
    const prefix = `(${inv.requestId}) `
    const lines: string[] = []
    const write = (message: string) => void lines.push(prefix + message)
    const log: ExecutionLog = { info: level.info ? write : undefined, data: level.data ? write : undefined, error: write, secrets: level.secrets, lines }
    if (!log.info) return log
    log.info(`Extended Request Id: ${inv.extendedRequestId}`)
    log.info(`Starting execution for request: ${inv.requestId}`)
    log.info(`HTTP Method: ${inv.httpMethod}, Resource Path: ${inv.resourcePath}`)
    log.info(`Method request path: ${parameterMap(Object.entries(inv.pathParameters))}`)
    log.info(`Method request query string: ${parameterMap(queryOf(inv))}`)
    log.data?.(`Method request headers: ${headerMap(Object.entries(inv.headers), level.secrets)}`)
    return log
  }
}
