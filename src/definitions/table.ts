/**
 * The compiled route table: plain, JSON-safe data produced at build time from `routes/`
 * and read (never changed) by the Worker on the request path.
 */

import type { Authorizer, ContentHandling, IdentitySource, IntegrationType, PassthroughBehavior, Throttle } from './table-parts'
import type { WebSocketApi } from './websocket-table'
import type { HttpApiIntegration } from './http-api-table'

export type { Authorizer, ContentHandling, IdentitySource, IntegrationType, PassthroughBehavior, Throttle }

export type Protocol = 'REST' | 'HTTP' | 'WEBSOCKET'

export interface IntegrationResponse {
  /** Java regex matched in full against the status (or Lambda error message); null is the default response. */
  selectionPattern: string | null
  statusCode: string
  responseParameters: Record<string, string>
  responseTemplates: Record<string, string>
  contentHandling?: ContentHandling
}

export interface Integration {
  type: IntegrationType
  httpMethod?: string
  uri?: string
  requestParameters: Record<string, string>
  requestTemplates: Record<string, string>
  passthroughBehavior: PassthroughBehavior
  contentHandling?: ContentHandling
  timeoutInMillis: number
  responses: IntegrationResponse[]
  cacheKeyParameters: string[]
  cacheNamespace?: string
  /** AWS_PROXY: the Lambda event format; 2.0 only for HTTP APIs. */
  payloadFormatVersion?: '1.0' | '2.0'
  /** AWS and AWS_PROXY: the role to assume (`credentials`); absent, or `arn:aws:iam::*:user/*`, uses the gateway's own. */
  credentialsRole?: string
  /** HTTP APIs only: parameter mappings in apigatewayv2's form, and the `$default` route's path rule. */
  httpApi?: HttpApiIntegration
}

export interface MethodResponse {
  statusCode: string
  /** `method.response.header.X` names declared for this status. */
  headers: string[]
}

export interface Method {
  /** Upper-case verb, or `ANY` for `x-amazon-apigateway-any-method`. */
  httpMethod: string
  resourcePath: string
  resourceId: string
  operationName?: string
  apiKeyRequired: boolean
  /** `method.request.{path|querystring|header}.<name>` → required. */
  requestParameters: Record<string, boolean>
  integration: Integration
  methodResponses: Record<string, MethodResponse>
  /** What the method's request validator checks; absent when it checks nothing (most methods). */
  validation?: RequestValidation
  /** The method's authorizer (`security: [{scheme: [scopes]}]`), by name in `Api.authorizers`; absent for NONE. */
  authorizer?: { name: string; scopes: string[] }
  /** HTTP APIs only: the route key, `GET /pets/{id}`, `ANY /{proxy+}` or `$default`. */
  routeKey?: string
}

/** A method's request validator, resolved: the root default or its own `x-amazon-apigateway-request-validator`. */
export interface RequestValidation {
  /** Required parameters, in the order AWS lists them (by `method.request.<location>.<name>`); empty when parameters are not validated. */
  requiredParameters: { location: 'header' | 'path' | 'querystring'; name: string }[]
  /** Content type (or `$default`) → model name in `Api.models`; absent when bodies are not validated. */
  bodyModels?: Record<string, string>
}

export interface Resource {
  path: string
  methods: Record<string, Method>
}

export interface Stage {
  name: string
  variables: Record<string, string>
  /** Stage throttling from `methodSettings`, keyed "*\/*" or "/resource/path/METHOD". */
  throttle: Record<string, Throttle>
  throttlingFailOpen: boolean
  rateLimitHeaders: boolean
  /** The stage cache (`cacheClusterEnabled: true`); absent when the stage has none. */
  cache?: StageCache
  /** `methodSettings` keys that set `metricsEnabled` (detailed metrics), keyed as `throttle`; absent when none does. */
  metricsEnabled?: Record<string, boolean>
  /** `accessLogSettings.format`: one access-log line per request; absent, none. */
  accessLogFormat?: string
  /** Beyond AWS: `accessLogSettings.destinationUrl`, an HTTP log sink the lines are also POSTed to. */
  accessLogDestinationUrl?: string
  /** `tracingEnabled`: `$context.xrayTraceId` is set (X-Ray active tracing). */
  tracingEnabled?: boolean
  /** `methodSettings` keys that set `loggingLevel` or `dataTraceEnabled` (execution logs), keyed as `throttle`; absent when none does. */
  executionLogging?: Record<string, ExecutionLogSetting>
}

/** The execution-log fields of one `methodSettings` entry, as written (unset fields inherit). */
export interface ExecutionLogSetting {
  loggingLevel?: 'OFF' | 'ERROR' | 'INFO'
  dataTraceEnabled?: boolean
}

export type CacheControlStrategy = 'FAIL_WITH_403' | 'SUCCEED_WITH_RESPONSE_HEADER' | 'SUCCEED_WITHOUT_RESPONSE_HEADER'

/** The caching fields of one `methodSettings` entry, as written (unset fields inherit). */
export interface MethodCacheSetting {
  cachingEnabled?: boolean
  cacheTtlInSeconds?: number
  requireAuthorizationForCacheControl?: boolean
  unauthorizedCacheControlHeaderStrategy?: CacheControlStrategy
}

export interface StageCache {
  /** Keyed "*\/*", "/resource/path/*" or "/resource/path/METHOD" (`~1` already unescaped). */
  methodSettings: Record<string, MethodCacheSetting>
  /** Beyond AWS: `X-Cache: Hit|Miss` on cached methods. */
  statusHeader: boolean
  /** AWS's keying: entries shared by every authorized caller. Off by default: the authorizer's principal is in the key. */
  sharedAcrossCallers: boolean
  /** Which integration statuses are stored: exact codes ("404") or classes ("2XX"). */
  statusCodes: string[]
  /** Largest entry stored (status, headers and body), in bytes. */
  maxEntryBytes: number
  /** Beyond AWS: how long an isolate may serve a hot entry from memory before asking KV again. */
  memoryTtlSeconds: number
}

export interface Quota {
  limit: number
  period: 'DAY' | 'WEEK' | 'MONTH'
  offset: number
}

export interface UsagePlan {
  name: string
  apiStages: { apiId: string; stage: string; throttle: Record<string, Throttle> }[]
  throttle?: Throttle
  quota?: Quota
}

export interface DefinedApiKey {
  id: string
  name: string
  /** Literal value, or the environment variable that holds it. */
  value?: string
  valueFrom?: string
  enabled: boolean
  usagePlans: string[]
}

export interface GatewayResponseOverride {
  statusCode?: string
  responseParameters: Record<string, string>
  responseTemplates: Record<string, string>
}

/** `x-amazon-apigateway-cors` (HTTP APIs), as written; `src/cors` compiles it into the step. */
export interface CorsConfiguration {
  allowOrigins: string[]
  allowMethods: string[]
  allowHeaders: string[]
  exposeHeaders: string[]
  /** Seconds a browser may cache the preflight answer; absent, no `Access-Control-Max-Age`. */
  maxAge?: number
  allowCredentials: boolean
}

export interface Api {
  id: string
  title: string
  file: string
  protocol: Protocol
  /** Base path under which the API is served when several APIs share a host, without slashes. */
  basePath?: string
  /** Stage names → stage. `$default` is served at the root. */
  stages: Record<string, Stage>
  resources: Resource[]
  gatewayResponses: Record<string, GatewayResponseOverride>
  binaryMediaTypes: string[]
  /** EDGE (AWS's default) adds X-Forwarded-For as CloudFront would; REGIONAL does not. */
  endpointType: 'EDGE' | 'REGIONAL'
  apiKeySource: 'HEADER' | 'AUTHORIZER'
  /** Where AWS integrations reach each service (`x-gateway.awsEndpoints`): service or `default` → base URL. */
  awsEndpoints: Record<string, string>
  /** The region execute-api ARNs name (`x-gateway.region`, default `local`). */
  region: string
  /** `$context.accountId` and the account execute-api ARNs name (`x-gateway.accountId`, default `000000000000`). */
  accountId: string
  /** `x-amazon-apigateway-minimum-compression-size`: responses this large or larger are compressed; absent, never. */
  minimumCompressionSize?: number
  /** Authorizers by `securitySchemes` name; absent when no method uses one. */
  authorizers?: Record<string, Authorizer>
  /**
   * Request models (JSON Schema draft 4) by name, for methods that validate bodies; `$ref`s between
   * them are rewritten to `modelUri(api.id, name)`. Absent when no method validates a body.
   */
  models?: Record<string, unknown>
  /** WebSocket APIs only: routes, authorizers and stage settings (`resources` is then empty). */
  websocket?: WebSocketApi
  /** HTTP APIs only: the gateway answers preflights and sets CORS headers itself. */
  cors?: CorsConfiguration
}

export interface RouteTable {
  apis: Api[]
  usagePlans: UsagePlan[]
  apiKeys: DefinedApiKey[]
}
