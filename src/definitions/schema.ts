import { z } from 'zod'
import { kvValueLimitBytes } from '../cache/settings'
import { httpBaseUrl } from './aws-placement'

/**
 * The definition format: OpenAPI 3 with AWS's `x-amazon-apigateway-*` extensions as
 * `aws apigateway get-export --export-type oas30` writes them, plus our `x-gateway`.
 * Unknown keys are kept (AWS exports carry more than the runtime needs).
 */

const lowerEnum = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(values, { error: () => `must be one of ${values.join(', ')}` }))

const upperEnum = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(values, { error: () => `must be one of ${values.join(', ')}` }))

const stringMap = z.record(z.string(), z.string())
const statusCode = z.union([z.string().regex(/^[1-5]\d\d$/, 'must be an HTTP status code'), z.number().int().min(100).max(599)])
  .transform(String)

export const contentHandling = upperEnum(['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY'])

export const integrationResponseSchema = z.looseObject({
  statusCode,
  responseParameters: stringMap.optional(),
  responseTemplates: z.record(z.string(), z.string().nullable()).optional(),
  contentHandling: contentHandling.optional(),
})

export const integrationSchema = z.looseObject({
  type: lowerEnum(['http_proxy', 'http', 'mock', 'aws_proxy', 'aws']),
  httpMethod: z.string().transform((s) => s.toUpperCase()).optional(),
  uri: z.string().optional(),
  requestParameters: stringMap.optional(),
  requestTemplates: z.record(z.string(), z.string().nullable()).optional(),
  passthroughBehavior: upperEnum(['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER']).optional(),
  contentHandling: contentHandling.optional(),
  // REST allows 29000 (integration.ts), HTTP APIs 30000.
  timeoutInMillis: z.number().int().min(50, 'must be at least 50').max(30000, 'must be at most 30000').optional(),
  responses: z.record(z.string(), integrationResponseSchema).optional(),
  cacheKeyParameters: z.array(z.string()).optional(),
  cacheNamespace: z.string().optional(),
  payloadFormatVersion: z.enum(['1.0', '2.0']).optional(),
  credentials: z.string().optional(),
})

export const parameterSchema = z.looseObject({
  name: z.string().min(1),
  in: z.enum(['path', 'query', 'header', 'cookie']),
  required: z.boolean().optional(),
})

/** `requestBody.content[mediaType].schema`: a model, usually `{ $ref: '#/components/schemas/Name' }` (checked in models.ts). */
export const requestBodySchema = z.looseObject({
  content: z.record(z.string(), z.looseObject({ schema: z.unknown().optional() })).optional(),
})

const validatorName = z.string({ error: 'must be the name of a validator in x-amazon-apigateway-request-validators' })

export const operationSchema = z.looseObject({
  operationId: z.string().optional(),
  parameters: z.array(parameterSchema).optional(),
  requestBody: requestBodySchema.optional(),
  'x-amazon-apigateway-request-validator': validatorName.optional(),
  responses: z.record(z.string(), z.looseObject({ headers: z.record(z.string(), z.unknown()).optional() })).optional(),
  security: z.array(z.record(z.string(), z.array(z.string()))).optional(),
  'x-amazon-apigateway-integration': integrationSchema,
  /** NONE, or AWS_IAM (refused: IAM authorization is not run here). */
  'x-amazon-apigateway-auth': z.looseObject({ type: upperEnum(['NONE', 'AWS_IAM']) }).optional(),
})

export const gatewayResponseSchema = z.looseObject({
  statusCode: statusCode.optional(),
  responseParameters: stringMap.optional(),
  responseTemplates: stringMap.optional(),
})

const rate = z.number({ error: 'must be a number' }).min(0, 'must not be negative')
const burst = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative')

/** Beyond AWS: how many Durable Objects one stage method's limit is spread over (docs/usage-plans.md). */
const shards = z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(64, 'must be at most 64')

/** A sharded limit needs a limit to spread, and at least one token of burst per shard. */
function checkShards(s: { throttlingRateLimit?: number; throttlingBurstLimit?: number; throttlingShards?: number }, ctx: z.RefinementCtx) {
  const n = s.throttlingShards
  if (n === undefined || n === 1) return
  if (s.throttlingRateLimit === undefined && s.throttlingBurstLimit === undefined) {
    ctx.addIssue({ code: 'custom', path: ['throttlingShards'], message: 'spreads a limit over objects: set throttlingRateLimit or throttlingBurstLimit beside it' })
  } else if ((s.throttlingBurstLimit ?? 5000) < n) {
    ctx.addIssue({ code: 'custom', path: ['throttlingShards'], message: `each shard needs at least one token of burst: throttlingBurstLimit (${s.throttlingBurstLimit}) must be at least ${n}` })
  }
}

/** The throttling fields `methodSettings` and `routeSettings` share. */
const throttleFields = {
  throttlingRateLimit: rate.optional(),
  throttlingBurstLimit: burst.optional(),
  throttlingShards: shards.optional(),
}

/** An HTTP API stage's `defaultRouteSettings` or `routeSettings` entry, as `aws apigatewayv2 get-stage` prints it. */
export const routeSettingSchema = z.looseObject({ ...throttleFields, detailedMetricsEnabled: z.boolean().optional() }).superRefine(checkShards)

/** A `methodSettings` entry, keyed "*\/*" or "/resource/path/METHOD", as `aws apigateway get-stage` prints it. */
export const methodSettingSchema = z
  .looseObject({
  ...throttleFields,
  cachingEnabled: z.boolean().optional(),
  cacheTtlInSeconds: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(3600, 'must be at most 3600 (one hour)')
    .optional(),
  cacheDataEncrypted: z.boolean().optional(),
  requireAuthorizationForCacheControl: z.boolean().optional(),
  unauthorizedCacheControlHeaderStrategy: upperEnum(['FAIL_WITH_403', 'SUCCEED_WITH_RESPONSE_HEADER', 'SUCCEED_WITHOUT_RESPONSE_HEADER']).optional(),
  /** Detailed CloudWatch metrics: the method (route) dimension (docs/observability.md). */
  metricsEnabled: z.boolean().optional(),
  loggingLevel: upperEnum(['OFF', 'ERROR', 'INFO']).optional(),
  dataTraceEnabled: z.boolean().optional(),
  })
  .superRefine(checkShards)

export const stageSchema = z.looseObject({
  variables: z
    .record(
      z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'stage variable names are 1-64 letters, digits or underscores'),
      // YAML reads `port: 8080` as a number; AWS's values are strings, so a number or boolean is taken as its text.
      z
        .union([z.string(), z.number(), z.boolean()], { error: 'stage variable values are strings' })
        .transform(String)
        .pipe(z.string().max(512, 'stage variable values are at most 512 characters')),
    )
    .optional(),
  // AWS's API spells the slashes of the resource path `~1` ("~1pets~1{id}/GET"); both forms are accepted.
  methodSettings: z.record(z.string().regex(/^(\*\/\*|\/.*\/[A-Z*]+|~1.*\/[A-Z*]+)$/, 'keys are "*/*" or "/resource/path/METHOD"'), methodSettingSchema).optional(),
  /** HTTP APIs: throttling for every route, and per route key ("GET /pets", "$default"); checked in http-api.ts. */
  defaultRouteSettings: routeSettingSchema.optional(),
  routeSettings: z.record(z.string(), routeSettingSchema).optional(),
  /** When a throttle or key Durable Object fails: false (default) refuses with a 500, true serves. */
  throttlingFailOpen: z.boolean().optional(),
  /** Beyond AWS: IETF RateLimit-* and Retry-After headers on throttled keys. */
  rateLimitHeaders: z.boolean().optional(),
  /** One line per request in this format of `$context` variables (docs/observability.md); `validate` checks the variables. */
  /** Beyond AWS: `destinationUrl` also POSTs the lines, in batches, to an HTTP log sink. */
  accessLogSettings: z.looseObject({ format: z.string().optional(), destinationArn: z.string().optional(), destinationUrl: z.string().optional() }).optional(),
  /** X-Ray active tracing: `$context.xrayTraceId` is the request's trace id. */
  tracingEnabled: z.boolean().optional(),
  /** The stage cache; `methodSettings` turn caching on per method. */
  cacheClusterEnabled: z.boolean().optional(),
  /** Beyond AWS: `X-Cache: Hit|Miss` on cached methods. */
  cacheStatusHeader: z.boolean().optional(),
  /** Beyond AWS (default false): authorized callers of one method share entries, as on AWS; else each principal has its own. */
  cacheSharedAcrossCallers: z.boolean().optional(),
  /** Beyond AWS: the statuses stored (default 2XX only; AWS stores any). */
  cacheStatusCodes: z
    .array(z.string().regex(/^[1-5](XX|\d\d)$/i, 'must be a status code ("404") or a class ("2XX")'))
    .min(1, 'list at least one status code or class')
    .optional(),
  /** Beyond AWS: the largest entry stored, in bytes (AWS: 1 MB). */
  cacheMaxEntryBytes: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(kvValueLimitBytes, `must be at most ${kvValueLimitBytes} (Workers KV's value limit)`)
    .optional(),
  /** Beyond AWS: seconds an isolate serves a hot entry from memory before reading KV again (0: every hit reads KV). */
  cacheMemoryTtlInSeconds: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(3600, 'must be at most 3600')
    .optional(),
})

const throttleSchema = z.strictObject({ rateLimit: rate, burstLimit: burst })

export const usagePlanSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  apiStages: z
    .array(
      z.strictObject({
        stage: z.string().min(1),
        throttle: z.record(z.string().regex(/^\/.*\/[A-Z*]+$/, 'keys are "/resource/path/METHOD"'), throttleSchema).optional(),
      }),
    )
    .min(1, 'a usage plan covers at least one stage'),
  throttle: throttleSchema.optional(),
  quota: z
    .strictObject({
      limit: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative'),
      period: z.enum(['DAY', 'WEEK', 'MONTH'], { error: 'must be DAY, WEEK or MONTH' }),
      offset: z.number().int().min(0).optional(),
    })
    .optional(),
})

export const apiKeySchema = z
  .strictObject({
    name: z.string().min(1),
    value: z.string().min(20, 'API key values are at least 20 characters').optional(),
    valueFrom: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must name an environment variable').optional(),
    enabled: z.boolean().optional(),
    usagePlans: z.array(z.string()).optional(),
  })
  .refine((k) => (k.value === undefined) !== (k.valueFrom === undefined), 'give exactly one of value and valueFrom')

export const xGatewaySchema = z.looseObject({
  apiId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes').optional(),
  protocolType: upperEnum(['REST', 'HTTP', 'WEBSOCKET']).optional(),
  endpointType: upperEnum(['EDGE', 'REGIONAL']).optional(),
  basePath: z.string().regex(/^\/?[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/, 'must be a path such as /v1').optional(),
  stages: z.record(z.string().regex(/^(\$default|[A-Za-z0-9_-]{1,128})$/, 'stage names are letters, digits, - and _'), stageSchema).optional(),
  usagePlans: z.array(usagePlanSchema).optional(),
  apiKeys: z.array(apiKeySchema).optional(),
  /** Beyond AWS: where AWS integrations reach each service, e.g. `{ lambda: 'http://127.0.0.1:9001', default: 'http://localhost:4566' }`. */
  awsEndpoints: z
    .record(
      z.string().regex(/^(default|[a-z0-9][a-z0-9.-]*)$/),
      z.string().regex(httpBaseUrl, 'must be an http(s) URL such as http://localhost:4566'),
      { error: (issue) => (issue.code === 'invalid_key' ? 'keys are service names as in integration ARNs (lambda, sqs, dynamodb, sts …) or default' : undefined) },
    )
    .optional(),
  /** Beyond AWS: the region and account this API's ARNs (authorizer `methodArn`, policies) and `$context.accountId` name. */
  region: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a region name such as eu-west-1').optional(),
  // YAML reads 123456789012 unquoted as a number; a leading zero is lost that way, and then the length is wrong.
  accountId: z.coerce.string().regex(/^\d{12}$/, 'must be 12 digits; quote it ("012345678901") so YAML keeps leading zeros').optional(),
  /** Serve an API whose resource policy restricts callers, without enforcing the policy (default false: refused). */
  ignoreResourcePolicy: z.boolean().optional(),
  /** Beyond AWS: a user pool ARN (as in providerARNs) → the issuer its tokens carry, e.g. a local stand-in's URL. */
  cognitoIssuers: z
    .record(
      z.string().regex(/^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/, 'keys are user pool ARNs as in providerARNs'),
      z.string().regex(/^https?:\/\/[^\s?#]+$/, 'must be an http(s) URL such as http://127.0.0.1:9229/us-east-1_abc'),
    )
    .optional(),
})

export const documentSchema = z.looseObject({
  openapi: z.coerce.string().regex(/^3\./, 'only OpenAPI 3.x documents are supported'),
  info: z.looseObject({ title: z.string().optional() }).optional(),
  servers: z
    .array(z.looseObject({ url: z.string(), variables: z.record(z.string(), z.looseObject({ default: z.string() })).optional() }))
    .optional(),
  paths: z.record(z.string().startsWith('/', 'paths start with /'), z.record(z.string(), z.unknown())),
  'x-amazon-apigateway-gateway-responses': z.record(z.string(), gatewayResponseSchema).optional(),
  'x-amazon-apigateway-binary-media-types': z.array(z.string()).optional(),
  'x-amazon-apigateway-api-key-source': upperEnum(['HEADER', 'AUTHORIZER']).optional(),
  'x-amazon-apigateway-minimum-compression-size': z
    .number({ error: 'must be a number of bytes' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(10485760, 'must be at most 10485760 (10 MB)')
    .optional(),
  'x-amazon-apigateway-request-validators': z
    .record(z.string().min(1), z.looseObject({ validateRequestBody: z.boolean().optional(), validateRequestParameters: z.boolean().optional() }))
    .optional(),
  /** The API-wide default; an operation's own `x-amazon-apigateway-request-validator` overrides it. */
  'x-amazon-apigateway-request-validator': validatorName.optional(),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()).optional() }).optional(),
  /** The resource policy (checked in resource-policy.ts). */
  'x-amazon-apigateway-policy': z.unknown().optional(),
  'x-gateway': xGatewaySchema.optional(),
})

export type Document = z.infer<typeof documentSchema>
export type Operation = z.infer<typeof operationSchema>
export type IntegrationDefinition = z.infer<typeof integrationSchema>
export type XGateway = z.infer<typeof xGatewaySchema>
export type UsagePlanDefinition = z.infer<typeof usagePlanSchema>
export type ApiKeyDefinition = z.infer<typeof apiKeySchema>
