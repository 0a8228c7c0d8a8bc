import type { Method, Resource } from '../definitions/table'
import { awsMethods, createResourceRouter, type RouteMatch } from './match'
import { defaultRoutePath } from './route-keys'

/**
 * An HTTP API's routes in AWS's priority (../shared/spec §11): a full match on path and method,
 * then a greedy `{proxy+}` route with the method (or ANY), then the `$default` route. The first two
 * are the resource tree's own order; `$default` is the fallback when it finds nothing.
 * @example
 * const router = createHttpRouteRouter(api.resources)
 * router.match('GET', '/nowhere') // the $default route, when the API has one
 */
export function createHttpRouteRouter(resources: Resource[]) {
  const defaultRoute: Method | undefined = resources.find((r) => r.path === defaultRoutePath)?.methods.ANY
  const routes = createResourceRouter(resources.filter((r) => r.path !== defaultRoutePath))
  return {
    /** Undefined is the HTTP API's 404 Not Found. */
    match(httpMethod: string, rawPath: string): RouteMatch | undefined {
      const found = routes.match(httpMethod, rawPath)
      if (found || !defaultRoute) return found
      // The methods AWS serves; any other reaches no route, `$default` included.
      return awsMethods.has(httpMethod) ? { method: defaultRoute, pathParameters: {} } : undefined
    },
  }
}

