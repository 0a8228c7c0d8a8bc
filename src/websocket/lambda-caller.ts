import type { Invocation } from '../invocation'
import type { WebSocketInvocation } from './invocation'

/**
 * The REST invocation's shape as the shared Lambda code reads it (`callLambda`, `invokeAuthorizer`,
 * `credentialsFor`): the API (for `awsEndpoints`), the environment (credentials), and a method
 * that names the route in their log lines. Reusing that code keeps one SigV4/Invoke path.
 * @example await callLambda(lambdaCaller(inv, role, timeout), target, payload, headers, options)
 */
export function lambdaCaller(inv: WebSocketInvocation, credentialsRole: string | undefined, timeoutInMillis: number): Invocation {
  return {
    api: inv.api,
    stage: inv.stage,
    env: inv.env,
    headers: inv.headers,
    requestId: inv.requestId,
    extendedRequestId: inv.extendedRequestId,
    startedAt: inv.startedAt,
    sourceIp: inv.connection.sourceIp,
    httpMethod: 'POST',
    search: '',
    resourcePath: inv.route.routeKey,
    pathParameters: {},
    method: {
      httpMethod: inv.eventType,
      resourcePath: inv.route.routeKey,
      resourceId: inv.route.routeKey,
      apiKeyRequired: false,
      requestParameters: {},
      methodResponses: {},
      integration: {
        type: 'aws',
        httpMethod: 'POST',
        requestParameters: {},
        requestTemplates: {},
        passthroughBehavior: 'WHEN_NO_MATCH',
        timeoutInMillis,
        responses: [],
        cacheKeyParameters: [],
        ...(credentialsRole ? { credentialsRole } : {}),
      },
    },
  } as unknown as Invocation
}
