import { forwardedFor, queryOf, splitRequestUrl, type Invocation } from '../../invocation'
import { contextOf } from '../../context'
import { bytesToBase64 } from '../../base64'
import { readRequestBytes } from '../body-limit'
import { isBinary } from '../content-handling'
import { canonicalHeader } from '../template-input'
import { hopHeaders } from '../request-headers'
import { clientKeyed } from '../../client-keyed'

/** The Lambda proxy event, payload format 1.0 (../shared/spec §4.1). */
export interface ProxyEventV1 {
  /** HTTP APIs only; REST events have no version. */
  version?: '1.0'
  resource: string
  path: string
  httpMethod: string
  headers: Record<string, string>
  multiValueHeaders: Record<string, string[]>
  queryStringParameters: Record<string, string> | null
  multiValueQueryStringParameters: Record<string, string[]> | null
  pathParameters: Record<string, string> | null
  stageVariables: Record<string, string> | null
  requestContext: Record<string, unknown>
  body: string | null
  isBase64Encoded: boolean
}

/** Client headers AWS leaves out of the event (recorded), and Cloudflare's own about the hop to the gateway. */
const notInEvent = new Set([...hopHeaders, 'content-length'])

/** The `$context` members a REST event's requestContext carries (no `authorizer` without one). */
const contextKeys = [
  'accountId',
  'apiId',
  'deploymentId',
  'domainName',
  'domainPrefix',
  'extendedRequestId',
  'httpMethod',
  'identity',
  'path',
  'protocol',
  'requestId',
  'requestTime',
  'requestTimeEpoch',
  'resourceId',
  'resourcePath',
  'stage',
] as const

/** What the proxy event and a REQUEST authorizer's input share: the request without its body. */
export type RequestFields = Omit<ProxyEventV1, 'version' | 'body' | 'isBase64Encoded'>

/**
 * Builds the event AWS_PROXY hands the function: raw path without the stage, form-decoded
 * query (last value wins in the single-value map), raw path parameters, `null` where AWS has
 * nothing, the body base64-encoded when its Content-Type is a binary media type.
 * @example const event = await proxyEvent(inv, traceId)
 */
export async function proxyEvent(inv: Invocation, traceId: string): Promise<ProxyEventV1> {
  const request = inv.request
  const fields = requestFields(inv, traceId)
  const bytes = new Uint8Array(await readRequestBytes(request))
  const binary = isBinary(inv.headers['content-type'] ?? null, inv.api.binaryMediaTypes)
  return {
    ...(inv.api.protocol === 'HTTP' ? { version: '1.0' as const } : {}),
    ...fields,
    body: bytes.length === 0 ? null : binary ? bytesToBase64(bytes) : utf8.decode(bytes),
    isBase64Encoded: bytes.length > 0 && binary,
  }
}

/**
 * The request as the event shows it, body aside (a REQUEST authorizer gets these fields too,
 * and must not consume the body the integration will read).
 * @example const { headers, queryStringParameters } = requestFields(inv, traceId)
 */
export function requestFields(inv: Invocation, traceId: string): RequestFields {
  const request = inv.request
  const headers = clientKeyed<string>()
  const multiValueHeaders = clientKeyed<string[]>()
  const add = (name: string, value: string) => {
    // Workers hand over lower-cased names; the event shows them as clients usually write them.
    const shown = canonicalHeader(name)
    headers[shown] = value
    multiValueHeaders[shown] = [value]
  }
  for (const name in inv.headers) if (!notInEvent.has(name)) add(name, inv.headers[name])
  const url = splitRequestUrl(request.url)
  const https = request.url.startsWith('https:')
  const port = /:(\d+)$/.exec(url.host)?.[1] ?? (https ? '443' : '80')
  if (inv.headers.host === undefined) add('host', url.host)
  add('x-forwarded-for', forwardedFor(inv))
  add('x-forwarded-port', port)
  add('x-forwarded-proto', https ? 'https' : 'http')
  add('x-amzn-trace-id', traceId)

  const query = queryOf(inv)
  let queryStringParameters: Record<string, string> | null = null
  let multiValueQueryStringParameters: Record<string, string[]> | null = null
  for (const [name, value] of query) {
    ;(queryStringParameters ??= clientKeyed())[name] = value
    ;((multiValueQueryStringParameters ??= clientKeyed())[name] ??= []).push(value)
  }

  const context = contextOf(inv)
  const requestContext: Record<string, unknown> = {}
  for (const key of contextKeys) requestContext[key] = context[key]
  // Only when an authorizer ran: NONE auth has no `authorizer` key at all.
  if (context.authorizer !== undefined) requestContext.authorizer = context.authorizer

  const httpApi = inv.api.protocol === 'HTTP'
  return {
    resource: inv.method!.resourcePath,
    // REST: without the stage, not decoded; a `//` right after the stage is collapsed, inner ones
    // kept. HTTP APIs keep a named stage in the path.
    path: httpApi ? (context.path as string) : inv.resourcePath.replace(/^\/{2,}/, '/'),
    httpMethod: inv.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: Object.keys(inv.pathParameters).length > 0 ? { ...inv.pathParameters } : null,
    stageVariables: Object.keys(inv.stage.variables).length > 0 ? { ...inv.stage.variables } : null,
    requestContext,
  }
}

const utf8 = new TextDecoder()
