import { splitRequestUrl, type Invocation } from './invocation'
import { accountId } from './method-request/method-arn'

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (n: number) => String(n).padStart(2, '0')

/** CLF time as `$context.requestTime` shows it: `24/Nov/2026:09:55:49 +0000`. */
export function requestTime(epochMs: number): string {
  const d = new Date(epochMs)
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/**
 * The `$context.identity` members that only IAM or Cognito callers fill, null for everyone this
 * gateway serves (REST and WebSocket alike).
 */
export const unsignedIdentity = {
  accountId: null,
  caller: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  user: null,
  userArn: null,
} as const

/**
 * The REST `$context` (../shared/spec §2.6) for this invocation, built once on first use.
 * Null members render empty in templates, as on AWS.
 */
export function contextOf(inv: Invocation): Record<string, unknown> {
  if (inv.context) return inv.context
  const host = inv.headers.host ?? splitRequestUrl(inv.request.url).host
  const stagePrefix = inv.stage.name === '$default' ? '' : `/${inv.stage.name}`
  inv.context = {
    accountId: accountId,
    apiId: inv.api.id,
    ...(inv.authorizer ? { authorizer: inv.authorizer.exposed } : {}),
    deploymentId: inv.api.id,
    domainName: host,
    domainPrefix: host.split('.')[0],
    extendedRequestId: inv.extendedRequestId,
    httpMethod: inv.httpMethod,
    identity: {
      ...unsignedIdentity,
      accessKey: null,
      sourceIp: inv.sourceIp,
      ...(inv.apiKey ? { apiKey: inv.apiKey.value, apiKeyId: inv.apiKey.id } : {}),
      userAgent: inv.headers['user-agent'] ?? null,
    },
    path: `${stagePrefix}${inv.resourcePath}`,
    protocol: 'HTTP/1.1',
    requestId: inv.requestId,
    requestTime: requestTime(inv.startedAt),
    requestTimeEpoch: inv.startedAt,
    resourceId: inv.method?.resourceId ?? null,
    resourcePath: inv.method?.resourcePath ?? null,
    // HTTP APIs (§2.7): an identity source may be `$context.routeKey`, to cache per route.
    ...(inv.api.protocol === 'HTTP' && inv.method ? { routeKey: `${inv.method.httpMethod} ${inv.method.resourcePath}` } : {}),
    stage: inv.stage.name,
    isCanaryRequest: 'false',
  }
  return inv.context
}
