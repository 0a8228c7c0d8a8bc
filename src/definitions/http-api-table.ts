/**
 * The parts of the route table only HTTP APIs (apigatewayv2) have: their parameter mappings,
 * compiled at build time into plain data (../shared/spec §11).
 */

/** Where one `$…` / `${…}` reference in a mapping value reads from. */
export type MappingReference =
  | { from: 'request.header'; name: string }
  | { from: 'request.querystring'; name: string }
  /** `$request.body` (whole) or `$request.body.a.b` (a JSONPath from the root, `$.a.b`). */
  | { from: 'request.body'; path?: string }
  /** `$request.path` (the path without the stage) or `$request.path.name` (a path parameter). */
  | { from: 'request.path'; name?: string }
  | { from: 'response.header'; name: string }
  | { from: 'response.body'; path?: string }
  | { from: 'context'; keys: string[] }
  | { from: 'stageVariables'; name: string }

/** A mapping value: static text and references, joined in order. */
export type MappingValue = ({ text: string } | { ref: MappingReference })[]

/** One `requestParameters` / `responseParameters` entry, e.g. `append:header.x-tenant`. */
export interface ParameterMapping {
  action: 'append' | 'overwrite' | 'remove'
  target: 'header' | 'querystring' | 'path' | 'statuscode'
  /** Header names lower-case; query names as written (they are case-sensitive); '' for path and statuscode. */
  name: string
  value: MappingValue
}

/** What an HTTP API integration adds to the REST-shaped `Integration`. */
export interface HttpApiIntegration {
  /** In the order written. */
  requestParameters: ParameterMapping[]
  /** Integration status code ("200"…"599") → the mappings applied to a response with it. */
  responseParameters: Record<string, ParameterMapping[]>
  /** The `$default` route's HTTP_PROXY: the request path (without the stage) is appended to the URI. */
  appendRequestPath: boolean
  /** A first-class AWS service integration (`integrationSubtype`): its parameters' mapped values. */
  awsService?: AwsServiceIntegration
}

export interface AwsServiceIntegration {
  /** `SQS-SendMessage`, `EventBridge-PutEvents`, `StepFunctions-StartExecution`, `Kinesis-PutRecord`. */
  subtype: string
  /** The API's region (the export's server URL), unless a `Region` parameter says otherwise. */
  region: string
  parameters: Record<string, MappingValue>
}
