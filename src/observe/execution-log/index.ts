import type { RouteTable } from '../../definitions/table'
import type { Invocation } from '../../invocation'
import { StageMethodMap, stageMethods } from '../../definitions/walk'
import { executionLoggingFor } from '../../definitions/observe-settings'
import { queryOf } from '../../invocation'
import { headerMap, parameterMap } from './mask'
import type { ExecutionLog } from './log'

export type { ExecutionLog }

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
