import { forwardedFor, queryOf, splitRequestUrl, type Invocation } from '../../invocation'
import { contextOf } from '../../context'
import { bytesToBase64 } from '../../base64'
import { readRequestBytes } from '../body-limit'
import { cloudflareHopHeaders } from '../request-headers'
import { clientKeyed } from '../../client-keyed'

/** The Lambda proxy event of HTTP APIs, payload format 2.0 (../shared/spec §4.2). */
export interface ProxyEventV2 {
  version: '2.0'
  routeKey: string
  rawPath: string
  rawQueryString: string
  cookies?: string[]
  headers: Record<string, string>
  queryStringParameters?: Record<string, string>
  pathParameters?: Record<string, string>
  stageVariables?: Record<string, string>
  requestContext: Record<string, unknown>
  body?: string
  isBase64Encoded: boolean
}

const notInEvent = new Set(['connection', 'content-length', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'cookie', ...cloudflareHopHeaders])

/** HTTP APIs have no binaryMediaTypes: a body is text by its Content-Type, else base64. */
const textual = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|graphql)\b|application\/[^;]*\+(json|xml)\b)/i

/** What the 2.0 event and a 2.0 Lambda authorizer's input share: the request without its body. */
export type RequestFieldsV2 = Omit<ProxyEventV2, 'body' | 'isBase64Encoded'>

/**
 * Builds the 2.0 event: lower-case headers, cookies apart, the raw path with a named stage, the
 * raw and the decoded query (repeated values joined with `,`), members omitted where empty.
 * @example const event = await proxyEventV2(inv, traceId) // { version: '2.0', routeKey: 'GET /pets/{id}', … }
 */
export async function proxyEventV2(inv: Invocation, traceId: string): Promise<ProxyEventV2> {
  const fields = requestFieldsV2(inv, traceId)
  const bytes = new Uint8Array(await readRequestBytes(inv.request))
  const binary = bytes.length > 0 && !textual.test(inv.headers['content-type'] ?? 'text/plain')
  return {
    ...fields,
    ...(bytes.length > 0 ? { body: binary ? bytesToBase64(bytes) : utf8.decode(bytes) } : {}),
    isBase64Encoded: binary,
  }
}

/**
 * The 2.0 event without its body (a 2.0 Lambda authorizer gets these fields too, and must not
 * consume the body the integration will read); `requestContext.authorizer` once one has run.
 * @example const { headers, requestContext } = requestFieldsV2(inv, traceId)
 */
export function requestFieldsV2(inv: Invocation, traceId: string): RequestFieldsV2 {
  const request = inv.request
  const context = contextOf(inv)
  const headers = clientKeyed<string>()
  for (const name in inv.headers) if (!notInEvent.has(name)) headers[name] = inv.headers[name]
  const url = splitRequestUrl(request.url)
  const https = request.url.startsWith('https:')
  headers.host ??= url.host
  headers['x-forwarded-for'] = forwardedFor(inv)
  headers['x-forwarded-port'] = /:(\d+)$/.exec(url.host)?.[1] ?? (https ? '443' : '80')
  headers['x-forwarded-proto'] = https ? 'https' : 'http'
  headers['x-amzn-trace-id'] = traceId

  const cookieHeader = inv.headers.cookie
  const cookies = cookieHeader ? cookieHeader.split(/;\s*/).filter(Boolean) : []
  const query = clientKeyed<string>()
  for (const [name, value] of queryOf(inv)) query[name] = name in query ? `${query[name]},${value}` : value

  const method = inv.method!
  const routeKey = method.routeKey ?? `${method.httpMethod} ${method.resourcePath}`
  const rawPath = context.path as string

  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: inv.search,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(inv.pathParameters).length > 0 ? { pathParameters: { ...inv.pathParameters } } : {}),
    ...(Object.keys(inv.stage.variables).length > 0 ? { stageVariables: { ...inv.stage.variables } } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...(inv.authorizer?.eventV2 ? { authorizer: inv.authorizer.eventV2 } : {}),
      domainName: context.domainName,
      domainPrefix: context.domainPrefix,
      http: { method: inv.httpMethod, path: rawPath, protocol: 'HTTP/1.1', sourceIp: inv.sourceIp, userAgent: inv.headers['user-agent'] ?? '' },
      requestId: inv.requestId,
      routeKey,
      stage: inv.stage.name,
      time: context.requestTime,
      timeEpoch: inv.startedAt,
    },
  }
}

const utf8 = new TextDecoder()
