/**
 * The ARN forms of an AWS / AWS_PROXY integration `uri` (../shared/spec §1.3). One parser serves
 * `validate` (with placeholders probed) and the request path (with them filled in).
 */

/** Where an AWS integration sends its request. */
export interface AwsTarget {
  region: string
  /** The ARN's service: the endpoint prefix (`lambda`, `sqs`, `dynamodb` …). */
  service: string
  /** `path/{path}` form: the request path on the service's endpoint, without the leading slash. */
  path?: string
  /** `action/{Action}` form. */
  action?: string
  /** Set when the path is Lambda's Invoke API: the function (ARN, partial ARN or name). */
  functionArn?: string
}

const arnForm = /^arn:(aws[a-z-]*):apigateway:([a-z0-9-]+):([a-z0-9][a-z0-9.-]*):(path|action)\/(.*)$/s
const invokePath = /^2015-03-31\/functions\/(.+)\/invocations$/s
const functionArnForm = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/
const actionName = /^[A-Za-z][A-Za-z0-9]*$/

/**
 * Parses `arn:aws:apigateway:{region}:{service}:path/{path}` or `…:action/{Action}`.
 * @example
 * parseIntegrationArn('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations')
 * // { region: 'us-east-1', service: 'lambda', path: '2015-03-31/…/invocations', functionArn: 'arn:aws:lambda:…:function:f' }
 */
export function parseIntegrationArn(uri: string): AwsTarget | { error: string } {
  const m = arnForm.exec(uri)
  if (!m) {
    return { error: `"${uri}" is not an AWS integration ARN (arn:aws:apigateway:{region}:{service}:path/{path} or :action/{Action})` }
  }
  const [, , region, service, kind, rest] = m
  if (rest === '') return { error: `"${uri}" names no ${kind} after "${kind}/"` }
  if (kind === 'action') {
    if (!actionName.test(rest)) return { error: `"${rest}" is not an action name (e.g. SendMessage)` }
    return { region, service, action: rest }
  }
  const target: AwsTarget = { region, service, path: rest }
  const invoke = service === 'lambda' ? invokePath.exec(rest) : null
  if (invoke) target.functionArn = invoke[1]
  return target
}

/**
 * Why a function reference is unusable by Lambda's Invoke API, if it is; a full ARN must have ARN's shape.
 * @example checkFunctionArn('arn:aws:lambda:eu-west-1:1234:function:f') // '"arn:…" is not a Lambda function ARN (…)'
 */
export function checkFunctionArn(functionArn: string): string | undefined {
  if (functionArn.startsWith('arn:') && !functionArnForm.test(functionArn)) {
    return `"${functionArn}" is not a Lambda function ARN (arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}])`
  }
  if (/[/?#\s]/.test(functionArn)) return `"${functionArn}" is not a Lambda function name or ARN`
  return undefined
}

/** `credentials`: a role to assume, or AWS's "the caller's own credentials". */
export type CredentialsRef = { role: string } | { caller: true }

const roleArn = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const callerArn = 'arn:aws:iam::*:user/*'

/** @example parseCredentials('arn:aws:iam::*:user/*') // { caller: true } */
export function parseCredentials(value: string): CredentialsRef | { error: string } {
  if (value === callerArn) return { caller: true }
  if (roleArn.test(value)) return { role: value }
  return { error: `"${value}" is neither an IAM role ARN (arn:aws:iam::{account}:role/{name}) nor ${callerArn}` }
}
