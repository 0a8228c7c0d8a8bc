import type { Api } from '../../src/definitions/table'
import type { Invocation } from '../../src/invocation'
import { readClientHeaders } from '../../src/method-request/limits'

/**
 * An invocation as the router leaves it, for tests of one integration step: the method of
 * `resourcePath`, the request sent to `/{stage}{path}`.
 * @example const inv = testInvocation(api, '/pets/{id}', 'GET', '/pets/7', { pathParameters: { id: '7' } })
 */
export function testInvocation(
  api: Api,
  resourcePath: string,
  method: string,
  path: string,
  options: { init?: RequestInit; pathParameters?: Record<string, string>; stage?: string; host?: string } = {},
): Invocation {
  const stage = api.stages[options.stage ?? Object.keys(api.stages)[0]]
  const resource = api.resources.find((r) => r.path === resourcePath)!
  const [pathOnly, search = ''] = path.split('?')
  const request = new Request(`https://${options.host ?? 'abc123.execute-api.localhost'}/${stage.name}${path}`, { method, ...options.init })
  return {
    request,
    httpMethod: request.method,
    headers: readClientHeaders(request),
    search,
    api,
    stage,
    method: resource.methods[method] ?? resource.methods.ANY,
    resourcePath: pathOnly,
    pathParameters: options.pathParameters ?? {},
    requestId: '6f1c3c3e-2c65-4c4e-9d5e-5b0f3a0c2f11',
    extendedRequestId: 'abc=',
    startedAt: Date.UTC(2026, 10, 24, 9, 30),
    sourceIp: '203.0.113.7',
    env: {},
  }
}
