import type { Api, GatewayResponseOverride } from '../definitions/table'
import type { Invocation } from '../invocation'
import { catalogue } from './catalogue'
import { GatewayError } from './error'
import { contextOf } from '../context'
import { resolveStaticSource } from '../integration/mapping-sources'
import { gatewayHeaders } from '../method-response/headers'

export interface Failure {
  api?: Api
  invocation?: Invocation
  requestId: string
  extendedRequestId: string
}

/**
 * Renders a gateway response the way AWS resolves it: the API's override for the type,
 * else its DEFAULT_4XX / DEFAULT_5XX (whose statusCode re-statuses every unconfigured type
 * of that class), else the built-in default.
 */
export function renderGatewayResponse(error: GatewayError, at: Failure): Response {
  const type = error.type
  const builtIn = catalogue[type]
  const defaultStatus = error.options.status ?? builtIn.status
  const overrides = at.api?.gatewayResponses ?? {}
  const own = overrides[type]
  const fallback: GatewayResponseOverride | undefined = own
    ? undefined
    : overrides[defaultStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX']
  const chosen = own ?? fallback
  const status = Number(chosen?.statusCode ?? defaultStatus)
  const message = error.options.message !== undefined ? error.options.message : builtIn.message

  const headers = gatewayHeaders(at.requestId, at.extendedRequestId)
  headers.set('content-type', 'application/json')
  headers.set('x-amzn-ErrorType', error.options.errorType ?? builtIn.errorType)

  let body: string
  const template = chosen && pickTemplate(chosen.responseTemplates)
  if (template !== undefined) {
    body = substitute(template, error, message, at)
  } else {
    // AWS's own bodies carry a space after the colon (the recorded 500 is 36 bytes).
    body = type === 'ACCESS_DENIED' && at.api?.protocol !== 'HTTP' ? `{"Message": ${JSON.stringify(message)}}` : `{"message": ${JSON.stringify(message)}}`
  }
  for (const [key, source] of Object.entries(chosen?.responseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1]
    if (!name) continue
    const value = at.invocation ? resolveStaticSource(source, at.invocation) : staticLiteral(source)
    if (value !== undefined) headers.set(name, value)
  }
  for (const [name, value] of Object.entries(error.options.headers ?? {})) headers.set(name, value)
  return new Response(body, { status, headers })
}

/** Gateway response templates are not VTL: only `$context.*` and `$stageVariables.*` are substituted. */
function substitute(template: string, error: GatewayError, message: string | null, at: Failure): string {
  const type = error.type
  const context: Record<string, unknown> = at.invocation ? { ...contextOf(at.invocation) } : { requestId: at.requestId }
  context.error = {
    message,
    messageString: JSON.stringify(message),
    responseType: type,
    validationErrorString: error.options.validationErrorString ?? '',
  }
  const stageVariables = at.invocation?.stage.variables ?? {}
  const reference = /\$\{(context|stageVariables)((?:\.[A-Za-z0-9_-]+)+)\}|\$(context|stageVariables)((?:\.[A-Za-z0-9_-]+)+)/g
  return template.replace(reference, (_, braced: string, bracedPath: string, plain: string, plainPath: string) => {
    const root = braced ?? plain
    const dotted = bracedPath ?? plainPath
    let value: unknown = root === 'context' ? context : stageVariables
    for (const key of dotted.slice(1).split('.')) value = (value as Record<string, unknown> | undefined)?.[key]
    return value === undefined || value === null ? '' : String(value)
  })
}

const pickTemplate = (templates: Record<string, string>) =>
  templates['application/json'] ?? Object.values(templates)[0]

const staticLiteral = (source: string) => (/^'.*'$/s.test(source) ? source.slice(1, -1) : undefined)

/** Any thrown value becomes a gateway response; unknown errors are a 500, never a stack trace. */
export function toGatewayError(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e
  console.error('unexpected error', e)
  return new GatewayError('API_CONFIGURATION_ERROR', { cause: e })
}
