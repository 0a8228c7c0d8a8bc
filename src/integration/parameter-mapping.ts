import type { AwsServiceIntegration, HttpApiIntegration, MappingReference, MappingValue, ParameterMapping } from '../definitions/http-api-table'
import { queryOf, type Invocation } from '../invocation'
import { contextOf } from '../context'
import { evaluateJsonPath } from '../vtl'
import { methodRequestBody } from '../method-request/payload'
import { checkHeaderValue } from './request-headers'
import { checkPathValue } from './uri'

/** An HTTP API integration's mappings, sorted once by what they change. */
export interface HttpApiPlan {
  headers: ParameterMapping[]
  queries: ParameterMapping[]
  path?: ParameterMapping
  /** Integration status → mappings for a response with it. */
  responses: Map<number, ParameterMapping[]>
  appendRequestPath: boolean
  requestBody: boolean
  /** Statuses whose mappings read `$response.body`: only those responses are read whole. */
  responseBody: Set<number>
  awsService?: AwsServiceIntegration
}

/**
 * Sorts an HTTP API integration's mappings once, when the pipeline is created.
 * @example const plan = compileHttpApiPlan(integration.httpApi)
 */
export function compileHttpApiPlan(httpApi: HttpApiIntegration): HttpApiPlan {
  const reads = (mappings: ParameterMapping[], from: MappingReference['from']) => mappings.some((m) => m.value.some((p) => 'ref' in p && p.ref.from === from))
  const request = httpApi.requestParameters
  const responses = new Map(Object.entries(httpApi.responseParameters).map(([status, mappings]) => [Number(status), mappings]))
  return {
    headers: request.filter((m) => m.target === 'header'),
    queries: request.filter((m) => m.target === 'querystring'),
    path: request.find((m) => m.target === 'path'),
    responses,
    appendRequestPath: httpApi.appendRequestPath,
    requestBody: reads(request, 'request.body'),
    responseBody: new Set([...responses].filter(([, mappings]) => reads(mappings, 'response.body')).map(([status]) => status)),
    ...(httpApi.awsService ? { awsService: httpApi.awsService } : {}),
  }
}

/** What references read besides the invocation: the request body, or the integration's response. */
interface Sources {
  body?: string
  response?: { headers: Headers; body?: string }
}

/** AWS applies a JSONPath to the first 100 KB of a body only. */
const jsonPathBodyBytes = 100 * 1024

/**
 * A mapping value for this request: a lone reference that is absent is undefined (the mapping
 * is then skipped); inside combined text an absent reference is empty.
 */
function valueOf(value: MappingValue, inv: Invocation, sources: Sources): string | undefined {
  if (value.length === 1 && 'ref' in value[0]) return read(value[0].ref, inv, sources)
  let out = ''
  for (const part of value) out += 'text' in part ? part.text : (read(part.ref, inv, sources) ?? '')
  return out
}

function read(ref: MappingReference, inv: Invocation, sources: Sources): string | undefined {
  switch (ref.from) {
    case 'request.header':
      return inv.headers[ref.name]
    case 'request.querystring': {
      // Repeated names are joined with commas, as AWS does.
      const all = queryOf(inv).getAll(ref.name)
      return all.length ? all.join(',') : undefined
    }
    case 'request.path':
      return ref.name === undefined ? inv.resourcePath : inv.pathParameters[ref.name]
    case 'request.body':
      return fromBody(sources.body, ref.path)
    case 'response.header':
      return sources.response?.headers.get(ref.name) ?? undefined
    case 'response.body':
      return fromBody(sources.response?.body, ref.path)
    case 'context': {
      let v: unknown = contextOf(inv)
      for (const key of ref.keys) v = (v as Record<string, unknown> | null | undefined)?.[key]
      return v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v)
    }
    case 'stageVariables':
      return inv.stage.variables[ref.name]
  }
}

function fromBody(body: string | undefined, path: string | undefined): string | undefined {
  if (body === undefined || path === undefined) return body
  let doc: unknown
  try {
    doc = JSON.parse(body.length > jsonPathBodyBytes ? body.slice(0, jsonPathBodyBytes) : body)
  } catch {
    return undefined
  }
  const value = evaluateJsonPath(doc, path)
  return value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * Named mapping values read for this request (the body only when one reads it); a lone
 * reference that is absent is left out.
 * @example await resolveMappingValues(inv, { MessageBody: [{ ref: { from: 'request.body' } }] }) // { MessageBody: '{"id":1}' }
 */
export async function resolveMappingValues(inv: Invocation, values: Record<string, MappingValue>): Promise<Record<string, string>> {
  const readsBody = Object.values(values).some((v) => v.some((p) => 'ref' in p && p.ref.from === 'request.body'))
  const sources: Sources = readsBody ? { body: utf8.decode(await methodRequestBody(inv)) } : {}
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(values)) {
    const resolved = valueOf(value, inv, sources)
    if (resolved !== undefined) out[name] = resolved
  }
  return out
}

/**
 * The request's mappings applied to what the integration request will carry: headers (a record,
 * changed in place), the query string (raw, `a=1&b=2`) and, for `overwrite:path`, the URL's path.
 * Values are checked as any header value or path is (a control character or a dot-segment is a 400).
 * @example const { query, path } = await mapIntegrationRequest(inv, plan, headers, inv.search)
 */
export async function mapIntegrationRequest(inv: Invocation, plan: HttpApiPlan, headers: Record<string, string>, query: string): Promise<{ query: string; path?: string }> {
  const sources: Sources = plan.requestBody ? { body: utf8.decode(await methodRequestBody(inv)) } : {}
  for (const m of plan.headers) {
    if (m.action === 'remove') {
      delete headers[m.name]
      continue
    }
    const value = valueOf(m.value, inv, sources)
    if (value === undefined) continue
    checkHeaderValue(m.name, value)
    headers[m.name] = m.action === 'append' && headers[m.name] !== undefined ? `${headers[m.name]},${value}` : value
  }
  if (plan.queries.length > 0) {
    const params = new URLSearchParams(query)
    for (const m of plan.queries) {
      if (m.action !== 'append') params.delete(m.name)
      if (m.action === 'remove') continue
      const value = valueOf(m.value, inv, sources)
      if (value !== undefined) params.append(m.name, value)
    }
    query = params.toString()
  }
  if (!plan.path) return { query }
  const value = valueOf(plan.path.value, inv, sources)
  if (value === undefined) return { query }
  checkPathValue(value)
  // A mapped path never adds a query or fragment of its own.
  const path = (value.startsWith('/') ? value : `/${value}`).replace(/[?# ]/g, encodeURIComponent)
  return { query, path }
}

/**
 * The integration's response with the mappings for its status applied (headers, then
 * `overwrite:statuscode`); a response whose status has none is returned as it is.
 * @example return mapIntegrationResponse(inv, plan, await fetch(url))
 */
export async function mapIntegrationResponse(inv: Invocation, plan: HttpApiPlan, response: Response): Promise<Response> {
  const mappings = plan.responses.get(response.status)
  if (!mappings) return response
  let body: BodyInit | null = response.body
  const sources: Sources = { response: { headers: new Headers(response.headers) } }
  if (plan.responseBody.has(response.status)) {
    const bytes = new Uint8Array(await response.arrayBuffer())
    body = bytes
    sources.response!.body = utf8.decode(bytes)
  }
  const headers = new Headers(response.headers)
  let status = response.status
  for (const m of mappings) {
    if (m.action === 'remove') {
      headers.delete(m.name)
      continue
    }
    const value = valueOf(m.value, inv, sources)
    if (value === undefined) continue
    if (m.target === 'statuscode') {
      // A value read at run time that is no status leaves the status as it was.
      if (/^[1-5]\d\d$/.test(value)) status = Number(value)
      continue
    }
    checkHeaderValue(m.name, value)
    const existing = headers.get(m.name)
    headers.set(m.name, m.action === 'append' && existing !== null ? `${existing},${value}` : value)
  }
  const empty = status === 204 || status === 205 || status === 304
  if (empty && body instanceof ReadableStream) await body.cancel()
  return new Response(empty ? null : body, { status, headers })
}

const utf8 = new TextDecoder()
