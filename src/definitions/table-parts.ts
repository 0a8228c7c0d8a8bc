/**
 * The parts of the route table that REST, HTTP and WebSocket APIs share (table.ts and
 * websocket-table.ts both build on them; neither imports the other's types back).
 */

export type IntegrationType = 'http_proxy' | 'http' | 'mock' | 'aws_proxy' | 'aws'
export type PassthroughBehavior = 'WHEN_NO_MATCH' | 'WHEN_NO_TEMPLATES' | 'NEVER'
export type ContentHandling = 'CONVERT_TO_TEXT' | 'CONVERT_TO_BINARY'

/** Where an authorizer reads one identity source (`method.request.header.X`, `stageVariables.Y` …). */
export interface IdentitySource {
  location: 'header' | 'querystring' | 'stageVariables' | 'context'
  name: string
}

/** A `securitySchemes` entry's `x-amazon-apigateway-authorizer`, resolved. */
export interface Authorizer {
  name: string
  type: 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS' | 'JWT'
  /** Lambda authorizers: the function, from `authorizerUri`. */
  region?: string
  functionArn?: string
  /** `authorizerCredentials`: the role assumed to invoke the function. */
  credentialsRole?: string
  /** In the order written; TOKEN and Cognito read one header. */
  identitySources: IdentitySource[]
  /** TOKEN: `identityValidationExpression`, matched before the function is invoked. */
  validationExpression?: string
  /** `authorizerResultTtlInSeconds`; 0 turns the result cache off. */
  ttlSeconds: number
  /** Cognito: each pool's token issuer and where its signing keys are. */
  userPools?: { issuer: string; jwksUri: string }[]
  /** HTTP API JWT authorizers: `jwtConfiguration`; the keys come from the issuer's OIDC discovery document. */
  jwt?: { issuer: string; audience: string[] }
  /** HTTP API REQUEST authorizers: `authorizerPayloadFormatVersion` ('1.0' or '2.0'). */
  payloadFormatVersion?: '1.0' | '2.0'
  /** HTTP API REQUEST authorizers, 2.0 only: `enableSimpleResponses` (`{isAuthorized, context}`). */
  simpleResponses?: boolean
}

export interface Throttle {
  /** Requests per second refilled into the bucket. */
  rateLimit: number
  /** Bucket size. */
  burstLimit: number
  /** Beyond AWS: objects the limit is spread over, each holding its share (docs/usage-plans.md, "Sharded limits"). */
  shards?: number
}
