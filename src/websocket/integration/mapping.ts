import type { WebSocketIntegration, WebSocketIntegrationResponse } from '../../definitions/websocket-table'
import type { TemplateInput } from '../../vtl'
import { compileTemplate, evaluateJsonPath, type Template } from '../../vtl'
import { GatewayError } from '../../gateway-responses/error'
import { toJavaRegExp } from '../../integration/selection-pattern'
import { canonicalHeader } from '../../integration/template-input'
import { checkHeaderValue } from '../../integration/request-headers'
import { evaluateSelection } from '../selection-expression'
import { parsedBody, webSocketContext, type WebSocketInvocation } from '../invocation'

type Read = (inv: WebSocketInvocation) => string | undefined

/**
 * Compiles `requestParameters` once: each `integration.request.{header|querystring}.X` with a
 * reader of its source (`route.request.body.a`, `route.request.header.X`, `context.connectionId`,
 * `stageVariables.x`, `'static'`). An absent source leaves the parameter out, as on AWS.
 * @example const map = compileRequestParameters(integration); const { headers, query } = map(inv)
 */
export function compileRequestParameters(integration: WebSocketIntegration) {
  const plan = Object.entries(integration.requestParameters).map(([target, source]) => {
    const [, , location, ...name] = target.split('.')
    return { location, name: name.join('.'), read: compileSource(source) }
  })
  return (inv: WebSocketInvocation) => {
    const headers: Record<string, string> = {}
    const query: [string, string][] = []
    for (const p of plan) {
      const value = p.read(inv)
      if (value === undefined) continue
      if (p.location === 'header') headers[p.name] = checkHeaderValue(p.name, value)
      else query.push([p.name, value])
    }
    return { headers, query }
  }
}

function compileSource(source: string): Read {
  if (source.startsWith("'")) {
    const literal = source.slice(1, -1)
    return () => literal
  }
  const [root, ...rest] = source.split('.')
  if (root === 'stageVariables') return (inv) => inv.stage.variables[rest[0]]
  if (root === 'context') return (inv) => stringOf(dig(webSocketContext(inv), rest))
  const [, location, ...name] = rest
  const key = name.join('.')
  if (location === 'header') return (inv) => inv.headers[key.toLowerCase()]
  if (location === 'querystring') return (inv) => inv.query?.getAll(key).at(-1)
  // route.request.body[.path]
  if (key === '') return (inv) => inv.body
  return (inv) => {
    const doc = parsedBody(inv).value
    return doc === undefined ? undefined : stringOf(evaluateJsonPath(doc, `$.${key}`))
  }
}

/**
 * Compiles the request templates once and picks one per event: the key `templateSelectionExpression`
 * selects, else `$default`. Undefined when none applies and the body passes through; AWS's
 * `NEVER` passthrough refuses instead.
 * @example const render = compileRequestTemplate(integration); const payload = render(inv) ?? inv.body
 */
export function compileRequestTemplate(integration: WebSocketIntegration) {
  const templates = compileAll(integration.requestTemplates)
  const selection = integration.templateSelection
  const count = Object.keys(templates).length
  return (inv: WebSocketInvocation): string | undefined => {
    const key = selection ? evaluateSelection(selection, inv.body, parsedBody(inv)) : undefined
    const template = (key !== undefined && Object.hasOwn(templates, key) ? templates[key] : undefined) ?? templates.$default
    if (template) return render(template, templateInput(inv, inv.body), 'request')
    if (integration.passthroughBehavior === 'NEVER' || (integration.passthroughBehavior === 'WHEN_NO_TEMPLATES' && count > 0)) {
      throw new GatewayError('UNSUPPORTED_MEDIA_TYPE')
    }
    return undefined
  }
}

/**
 * Compiles the integration responses once: the first whose `/regex/` key matches the selection
 * value (a status code, or a Lambda error message), else `$default`; its template (by its own
 * selection expression, else `$default`) renders what the client gets. No response, or one
 * without templates, passes the integration's body through.
 * @example const respond = compileIntegrationResponses(integration); ws.send(respond(inv, '200', body))
 */
export function compileIntegrationResponses(integration: WebSocketIntegration) {
  const responses = integration.responses.map((r) => ({
    r,
    pattern: r.pattern === null ? null : toJavaRegExp(r.pattern),
    templates: compileAll(r.responseTemplates),
  }))
  return (inv: WebSocketInvocation, selectionValue: string | null, body: string): string => {
    const chosen = responses.find((c) => c.pattern === null || (selectionValue !== null && c.pattern.test(selectionValue)))
    if (!chosen) return body
    const template = templateFor(chosen.r, chosen.templates, body)
    return template ? render(template, templateInput(inv, body), 'response') : body
  }
}

function templateFor(r: WebSocketIntegrationResponse, templates: Record<string, Template>, body: string): Template | undefined {
  const key = r.templateSelection ? evaluateSelection(r.templateSelection, body) : undefined
  if (key !== undefined && Object.hasOwn(templates, key)) return templates[key]
  return templates.$default ?? Object.values(templates)[0]
}

const compileAll = (templates: Record<string, string>): Record<string, Template> =>
  Object.fromEntries(Object.entries(templates).map(([key, source]) => [key, compileTemplate(source)]))

/** What a template sees: the payload, the handshake's headers and query as `$input.params()`, stage variables, `$context`. */
function templateInput(inv: WebSocketInvocation, body: string): TemplateInput {
  const header: Record<string, string> = {}
  for (const k in inv.headers) header[canonicalHeader(k)] = inv.headers[k]
  return {
    body,
    params: { path: {}, querystring: inv.query ? Object.fromEntries(inv.query) : {}, header },
    stageVariables: Object.keys(inv.stage.variables).length ? inv.stage.variables : null,
    context: webSocketContext(inv),
  }
}

/** A template that reads a non-JSON message as JSON, or breaks a limit, is an integration error frame. */
function render(template: Template, input: TemplateInput, phase: 'request' | 'response'): string {
  try {
    return template.render(input)
  } catch (e) {
    console.error(`WebSocket ${phase} template failed: ${(e as Error).message}`)
    throw new GatewayError('API_CONFIGURATION_ERROR', { cause: e })
  }
}

function dig(value: unknown, keys: string[]): unknown {
  for (const key of keys) value = (value as Record<string, unknown> | null | undefined)?.[key]
  return value
}

const stringOf = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v))
