/**
 * The `$context` variables an access-log format may use (../shared/spec §2.6–2.8 and the
 * logs-only variables of §10.2), for `validate`: an unknown one is a mistake AWS refuses too.
 */
const known = new Set([
  // §2.6 and §2.7, and the WebSocket ones of §2.8
  ...`accountId apiId awsEndpointRequestId awsEndpointRequestId2 customDomain.basePathMatched dataProcessed deploymentId
   domainName domainPrefix extendedRequestId httpMethod isCanaryRequest path protocol requestId requestTime requestTimeEpoch
   resourceId resourcePath routeKey stage wafResponseCode webaclArn connectedAt connectionId eventType messageId`.split(/\s+/),
  // §10.2: logs only
  ...`error.message error.messageString error.responseType error.validationErrorString integrationErrorMessage integrationLatency
   integrationStatus responseLatency responseLength status xrayTraceId`.split(/\s+/),
  ...['accountId', 'accessKey', 'apiKey', 'apiKeyId', 'caller', 'cognitoAuthenticationProvider', 'cognitoAuthenticationType', 'cognitoIdentityId', 'cognitoIdentityPoolId', 'principalOrgId', 'sourceIp', 'user', 'userAgent', 'userArn', 'vpcId', 'vpceId'].map((v) => `identity.${v}`),
  ...['clientCertPem', 'subjectDN', 'issuerDN', 'serialNumber', 'validity.notBefore', 'validity.notAfter'].map((v) => `identity.clientCert.${v}`),
  ...['error', 'integrationStatus', 'latency', 'requestId', 'status'].map((v) => `integration.${v}`),
  ...['error', 'latency', 'status'].flatMap((v) => [`authorize.${v}`, `authenticate.${v}`, `waf.${v}`]),
])

/**
 * `$context.NAME` in a format. Claims may hold `:` and `-` (`cognito:groups`); other names are
 * dotted words, so `[$context.requestTime]` or `$context.status,` end where the name does.
 */
export const contextVariable = /\$context\.(authorizer\.claims\.[A-Za-z0-9_:-]+|[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g

/**
 * True for a variable AWS documents for access logs: the lists above, and `authorizer.<key>`
 * (a Lambda authorizer's context key, or `authorizer.claims.<claim>`).
 * @example isLoggableVariable('identity.sourceIp') // true
 */
export function isLoggableVariable(name: string): boolean {
  return known.has(name) || /^authorizer\.(claims\.[A-Za-z0-9_:-]+|[A-Za-z0-9_]+)$/.test(name)
}
