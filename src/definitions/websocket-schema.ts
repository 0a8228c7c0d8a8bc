import { z } from 'zod'
import { apiKeySchema, stageSchema, usagePlanSchema } from './schema'
import { httpBaseUrl } from './aws-placement'

/**
 * The WebSocket API definition format: everything under `x-gateway`, field names as in
 * apigatewayv2's resource model (AWS::ApiGatewayV2::Route / Integration / IntegrationResponse /
 * Authorizer). Routes are keyed by route key, each with its integration nested; integration
 * responses sit in the integration, keyed by response key.
 */

const upper = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(values, { error: () => `must be one of ${values.join(', ')}` }))

const stringMap = z.record(z.string(), z.string())
const templates = z.record(z.string(), z.string())
const rate = z.number({ error: 'must be a number' }).min(0, 'must not be negative')
const burst = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative')
const seconds = (max: number) => z.number({ error: 'must be a number of seconds' }).int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`)

export const wsIntegrationResponseSchema = z.strictObject({
  responseTemplates: templates.optional(),
  templateSelectionExpression: z.string().optional(),
  responseParameters: stringMap.optional(),
  contentHandlingStrategy: upper(['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY']).optional(),
})

export const wsIntegrationSchema = z.strictObject({
  integrationType: upper(['AWS_PROXY', 'AWS', 'HTTP_PROXY', 'HTTP', 'MOCK']),
  integrationUri: z.string().optional(),
  integrationMethod: z.string().transform((s) => s.toUpperCase()).optional(),
  requestParameters: stringMap.optional(),
  requestTemplates: templates.optional(),
  templateSelectionExpression: z.string().optional(),
  passthroughBehavior: upper(['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER']).optional(),
  timeoutInMillis: z.number().int().min(50, 'must be at least 50').max(29000, 'must be at most 29000').optional(),
  contentHandlingStrategy: upper(['CONVERT_TO_TEXT', 'CONVERT_TO_BINARY']).optional(),
  credentialsArn: z.string().optional(),
  integrationResponses: z.record(z.string(), wsIntegrationResponseSchema).optional(),
})

export const wsRouteSchema = z.strictObject({
  integration: wsIntegrationSchema.optional(),
  routeResponseSelectionExpression: z.string().optional(),
  authorizationType: upper(['NONE', 'AWS_IAM', 'CUSTOM']).optional(),
  authorizerId: z.string().optional(),
  apiKeyRequired: z.boolean().optional(),
  operationName: z.string().optional(),
})

export const wsAuthorizerSchema = z.strictObject({
  authorizerType: upper(['REQUEST']),
  authorizerUri: z.string({ error: 'is required (the Lambda function invoke ARN)' }),
  identitySource: z.union([z.string(), z.array(z.string())]).optional(),
  authorizerCredentialsArn: z.string().optional(),
  authorizerResultTtlInSeconds: z.number().int().min(0, 'must not be negative').max(3600, 'must be at most 3600 (one hour)').optional(),
})

/** A stage's `defaultRouteSettings` or `routeSettings` entry, with every field `aws apigatewayv2 get-stage` prints. */
const routeSettingSchema = z.strictObject({
  throttlingRateLimit: rate.optional(),
  throttlingBurstLimit: burst.optional(),
  detailedMetricsEnabled: z.boolean().optional(),
  loggingLevel: upper(['OFF', 'ERROR', 'INFO']).optional(),
  dataTraceEnabled: z.boolean().optional(),
})

export const wsStageSchema = stageSchema
  .pick({ variables: true, accessLogSettings: true })
  .extend({
    /** Beyond AWS (fixed at 10 minutes there). */
    idleTimeoutInSeconds: seconds(7200).optional(),
    /** Beyond AWS (fixed at 2 hours there). */
    maxConnectionDurationInSeconds: seconds(86400).optional(),
    /** Beyond AWS: Durable Objects the stage's connections are spread over. */
    connectionShards: z.number().int('must be a whole number').min(1, 'must be at least 1').max(4096, 'must be at most 4096').optional(),
    defaultRouteSettings: routeSettingSchema.optional(),
    routeSettings: z.record(z.string(), routeSettingSchema).optional(),
  })
  .strict()

export const wsXGatewaySchema = z.looseObject({
  apiId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes').optional(),
  name: z.string().optional(),
  protocolType: z.string(),
  routeSelectionExpression: z.string({ error: 'is required, e.g. $request.body.action' }),
  apiKeySelectionExpression: z.string().optional(),
  basePath: z.string().regex(/^\/?[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/?$/, 'must be a path such as /v1').optional(),
  stages: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'stage names are letters, digits, - and _'), wsStageSchema).optional(),
  routes: z.record(z.string(), wsRouteSchema, { error: 'is required: routes keyed by route key ($connect, $disconnect, $default, custom)' }),
  authorizers: z.record(z.string(), wsAuthorizerSchema).optional(),
  awsEndpoints: z.record(z.string(), z.string().regex(httpBaseUrl, 'must be an http(s) URL such as http://localhost:4566')).optional(),
  /** Beyond AWS: the region and account this API's ARNs (authorizer `methodArn`, policies) and `$context.accountId` name. */
  region: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a region name such as eu-west-1').optional(),
  // YAML reads 123456789012 unquoted as a number; a leading zero is lost that way, and then the length is wrong.
  accountId: z.coerce.string().regex(/^\d{12}$/, 'must be 12 digits; quote it ("012345678901") so YAML keeps leading zeros').optional(),
  usagePlans: z.array(usagePlanSchema).optional(),
  apiKeys: z.array(apiKeySchema).optional(),
})

export const wsDocumentSchema = z.looseObject({ 'x-gateway': wsXGatewaySchema })

export type WsDocument = z.infer<typeof wsDocumentSchema>
export type WsRouteDefinition = z.infer<typeof wsRouteSchema>
export type WsIntegrationDefinition = z.infer<typeof wsIntegrationSchema>
