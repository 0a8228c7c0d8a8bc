import type { Api, RouteTable } from './definitions/table'
import type { ClientHeaders, Invocation } from './invocation'
import type { Env } from './env'
import { newRequestIds, sourceIpOf, splitRequestUrl } from './invocation'
import { createApiSelector } from './router/select-api'
import { createResourceRouter } from './router/match'
import { createHttpRouteRouter } from './router/http-routes'
import { renderHttpApiError, withHttpApiHeaders } from './gateway-responses/http-api'
import { GatewayError } from './gateway-responses/error'
import { renderGatewayResponse, toGatewayError } from './gateway-responses/render'
import { checkRequestPath, readClientHeaders } from './method-request/limits'
import { discardUnreadBody } from './method-request/unread-body'
import { createMethodRequest } from './method-request'
import { createIntegrationStep } from './integration'
import { createCacheStep } from './cache'
import { createCorsStep } from './cors'
import { withholdGatewayCredentials } from './method-request/gateway-credentials'
import { missingAuthenticationToken } from './gateway-responses/missing-token'
import { compressResponse, preferredCoding } from './method-response/compression'
import { createObserveStep } from './observe'
import { createExecutionLogStep } from './observe/execution-log'

/**
 * The request flow AWS documents, compiled once from the route table:
 * router → method request → integration request/integration/integration response → method response.
 * Every failure becomes a gateway response in one place.
 * @example
 * const handle = createPipeline(table)
 * const response = await handle(request)
 */
export function createPipeline(table: RouteTable) {
  const selectApi = createApiSelector(table)
  const routers = new Map(table.apis.map((api) => [api, api.protocol === 'HTTP' ? createHttpRouteRouter(api.resources) : createResourceRouter(api.resources)]))
  const methodRequest = createMethodRequest(table)
  const cache = createCacheStep(table)
  const integrate = createIntegrationStep(table)
  const observe = createObserveStep(table)
  const openExecutionLog = createExecutionLogStep(table)
  const cors = createCorsStep(table)

  /** `rawUrl` is `request.url` when the caller has read it already (each read is a call into the runtime). */
  return async function handle(request: Request, env: Env = {}, ctx?: ExecutionContext, rawUrl = request.url): Promise<Response> {
    const startedAt = Date.now()
    const { requestId, extendedRequestId } = newRequestIds()
    // What a gateway response can use, as far as the request got.
    let api: Api | undefined
    let inv: Invocation | undefined
    let failure: GatewayError | undefined
    let response: Response
    try {
      const url = splitRequestUrl(rawUrl)
      checkRequestPath(url.path)
      const headers = readClientHeaders(request)
      const target = selectApi(headers.host ?? url.host, url.path)
      if (!target) throw await missingAuthenticationToken(headers.authorization)
      api = target.api
      if (!target.stage) {
        // A REST stage that does not exist is AWS's plain 403 Forbidden.
        throw api.protocol === 'HTTP' ? new GatewayError('RESOURCE_NOT_FOUND') : new GatewayError('MISSING_AUTHENTICATION_TOKEN', { message: 'Forbidden', errorType: 'ForbiddenException' })
      }
      // HTTP APIs with CORS configured answer preflights before routing: no authorizer, no integration.
      const preflight = cors.preflight(api, request.method, headers)
      if (preflight) return preflight
      inv = {
        request,
        httpMethod: request.method,
        headers,
        search: url.search,
        api,
        stage: target.stage,
        resourcePath: target.resourcePath,
        // Set by the router just below; named here so every invocation has one shape.
        method: undefined,
        pathParameters: {},
        requestId,
        extendedRequestId,
        startedAt,
        sourceIp: sourceIpOf(headers),
        env,
        ctx,
        log: undefined,
      }
      const match = routers.get(api)!.match(inv.httpMethod, target.resourcePath)
      if (!match) throw await noRoute(api, headers)
      inv.method = match.method
      inv.pathParameters = match.pathParameters
      inv.log = openExecutionLog(inv)
      // Before the authorizer: a Lambda authorizer is a backend too.
      const withholding = withholdGatewayCredentials(inv)
      if (withholding) await withholding

      const checking = methodRequest(inv)
      if (checking) await checking
      // The stage cache answers hits itself; misses reach the integration.
      response = await cache(inv, integrate)
      if (inv.responseHeaders) for (const [name, value] of inv.responseHeaders) response.headers.set(name, value)
      if (api.protocol === 'HTTP') withHttpApiHeaders(response, requestId)
      // After the cache, which keeps entries as the integration answered.
      const coding = api.minimumCompressionSize === undefined ? undefined : preferredCoding(headers['accept-encoding'])
      if (coding) response = await compressResponse(response, coding, api.minimumCompressionSize!, inv.httpMethod)
    } catch (e) {
      // Else workerd resets the connection of a client still sending, and it never sees the answer.
      await discardUnreadBody(request)
      failure = toGatewayError(e)
      response = api?.protocol === 'HTTP' ? renderHttpApiError(failure, requestId) : renderGatewayResponse(failure, { api, invocation: inv, requestId, extendedRequestId })
    }
    // The one recording point: metrics and the access log of every request an API answered.
    return observe(cors.respond(api, request, response), { api, invocation: inv, startedAt, failure, env, ctx })
  }
}

/** No route: REST answers 403 Missing Authentication Token, HTTP APIs 404 Not Found. */
const noRoute = (api: Api, headers: ClientHeaders) =>
  api.protocol === 'HTTP' ? new GatewayError('RESOURCE_NOT_FOUND') : missingAuthenticationToken(headers.authorization)
