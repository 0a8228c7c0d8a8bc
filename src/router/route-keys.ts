/**
 * HTTP API route keys (../shared/spec §11): `{METHOD} {path}` or `$default`. In an export the
 * key is spelt by the OpenAPI document itself: the path, the operation (`x-amazon-apigateway-any-method`
 * is `ANY`) and, for `$default`, the path `/$default`.
 */

/** The path an export gives the `$default` route. */
export const defaultRoutePath = '/$default'

const routeMethods = new Set(['ANY', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])

/**
 * The route key of a method of an HTTP API.
 * @example routeKeyOf('GET', '/pets/{id}') // 'GET /pets/{id}'; routeKeyOf('ANY', '/$default') // '$default'
 */
export const routeKeyOf = (httpMethod: string, resourcePath: string) => (resourcePath === defaultRoutePath ? '$default' : `${httpMethod} ${resourcePath}`)

/**
 * Splits a route key as `routeSettings` names one; the error says what the key should look like.
 * @example parseRouteKey('GET /pets') // { httpMethod: 'GET', resourcePath: '/pets' }
 */
export function parseRouteKey(key: string): { httpMethod: string; resourcePath: string } | { error: string } {
  if (key === '$default') return { httpMethod: 'ANY', resourcePath: defaultRoutePath }
  const m = /^([A-Z]+) (\/\S*)$/.exec(key)
  if (!m || !routeMethods.has(m[1])) {
    return { error: `"${key}" is not a route key: "$default" or "METHOD /path" with METHOD one of ${[...routeMethods].join(', ')}` }
  }
  return { httpMethod: m[1], resourcePath: m[2] }
}
