import type { Invocation } from '../invocation'
import type { IntegrationPlan } from './plan'
import { backendUrl, checkPathValue, withQuery } from './uri'
import { integrationPathValues, mappedQuery } from './request-parameters'
import { integrationRequestHeaders } from './request-headers'
import { forwardToBackend } from './http-proxy'
import { mapIntegrationRequest, type HttpApiPlan } from './parameter-mapping'

/**
 * HTTP_PROXY of an HTTP API (../shared/spec §11): the URI with the route's `{name}` path
 * parameters filled in, or, on the `$default` route, with the request path (without the stage)
 * appended; the client's query string; then apigatewayv2's parameter mappings on headers,
 * query string and path. The response streams back as for REST.
 * @example const response = await httpApiProxy(inv, plan, httpApiPlan)
 */
export async function httpApiProxy(inv: Invocation, plan: IntegrationPlan, httpApi: HttpApiPlan): Promise<Response> {
  let base = backendUrl(plan, inv.stage.variables, integrationPathValues(inv, plan))
  if (httpApi.appendRequestPath) {
    checkPathValue(inv.resourcePath)
    base = appendPath(base, inv.resourcePath)
  }
  const headers = integrationRequestHeaders(inv, plan, true)
  // REST-form query mappings (accepted beyond AWS) follow the client's query, as on REST.
  const restQuery = mappedQuery(inv, plan)
  const query = restQuery === '' ? inv.search : inv.search === '' ? restQuery : `${inv.search}&${restQuery}`
  const mapped = await mapIntegrationRequest(inv, httpApi, headers, query)
  const url = withQuery(mapped.path === undefined ? base : `${originOf(base)}${mapped.path}`, mapped.query)

  return forwardToBackend(inv, plan, url, headers)
}

/** `https://b.example/base` + `/store/checkout` → `https://b.example/base/store/checkout` (the URI's own query kept after it). */
function appendPath(uri: string, path: string): string {
  const q = uri.search(/[?#]/)
  const head = q === -1 ? uri : uri.slice(0, q)
  const tail = q === -1 ? '' : uri.slice(q)
  return `${head.replace(/\/+$/, '')}${path}${tail}`
}

/** Scheme and authority of an absolute URL: where an `overwrite:path` mapping puts its path. */
const originOf = (url: string) => /^[a-z]+:\/\/[^/?#]*/i.exec(url)![0]
