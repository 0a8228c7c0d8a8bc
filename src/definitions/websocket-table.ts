import type { Authorizer, ContentHandling, IntegrationType, PassthroughBehavior, Throttle } from './table-parts'

/**
 * The compiled form of a WebSocket API (`x-gateway.protocolType: WEBSOCKET`): plain, JSON-safe
 * data in the route table, read by the connection flow and the connection objects.
 */

/**
 * A selection expression, split once at build time: literal text and JSON paths into the message
 * (`${request.body.a}/${request.body.b}` → `[{ path: 'a' }, '/', { path: 'b' }]`).
 */
export interface SelectionExpression {
  parts: (string | { path: string })[]
}

export interface WebSocketIntegrationResponse {
  /** `$default`, or a regex wrapped in slashes (`/2\d\d/`). */
  key: string
  /** The regex between the slashes; null for `$default`. */
  pattern: string | null
  responseTemplates: Record<string, string>
  templateSelection?: SelectionExpression
}

export interface WebSocketIntegration {
  type: IntegrationType
  /** `integrationMethod` (HTTP, HTTP_PROXY); POST for Lambda. */
  method: string
  /** `integrationUri`; may hold `${stageVariables.x}`. */
  uri?: string
  /** AWS and AWS_PROXY: the Lambda function, from the invoke ARN. */
  region?: string
  functionArn?: string
  /** `credentialsArn`: the role assumed to invoke the function. */
  credentialsRole?: string
  /** `integration.request.header.X` → source (`route.request.body.a`, `context.connectionId`, `'static'` …). */
  requestParameters: Record<string, string>
  requestTemplates: Record<string, string>
  templateSelection?: SelectionExpression
  passthroughBehavior: PassthroughBehavior
  timeoutInMillis: number
  contentHandling?: ContentHandling
  /** Integration responses, `$default` last. */
  responses: WebSocketIntegrationResponse[]
}

export interface WebSocketRoute {
  routeKey: string
  /** `$connect` only: the authorizer's name in `WebSocketApi.authorizers`. */
  authorizer?: string
  apiKeyRequired: boolean
  /** `routeResponseSelectionExpression: $default`: the integration's answer goes back to the client. */
  twoWay: boolean
  integration: WebSocketIntegration
}

/** Settings beyond AWS (where AWS's values are fixed) and message throttling, per stage. */
export interface WebSocketStage {
  /** Seconds without a message from the client before the connection is closed (AWS: 600). */
  idleTimeoutSeconds: number
  /** Seconds after which any connection is closed (AWS: 7200). */
  maxDurationSeconds: number
  /** How many Durable Objects the stage's connections are spread over (the shard is in the connection id). */
  connectionShards: number
  /** Stage-wide message throttling (`defaultRouteSettings`), per shard; absent: none. */
  throttle?: Throttle
  /** Per-route message throttling (`routeSettings`), by route key. */
  routeThrottle: Record<string, Throttle>
}

export interface WebSocketApi {
  routeSelection: SelectionExpression
  /** `apiKeySelectionExpression`: the `x-api-key` header of the handshake, or the authorizer's `usageIdentifierKey`. */
  apiKeySource: 'HEADER' | 'AUTHORIZER'
  routes: Record<string, WebSocketRoute>
  /** REQUEST Lambda authorizers by name (identity sources read `route.request.*`). */
  authorizers: Record<string, Authorizer>
  stages: Record<string, WebSocketStage>
}
