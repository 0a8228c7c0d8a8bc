/**
 * How `action/{Action}` integrations speak to a service. Services on AWS's JSON protocol take the
 * action as `X-Amz-Target: {prefix}.{Action}` with `Content-Type: application/x-amz-json-{version}`;
 * every other service (SQS, SNS, STS …, and any service not listed) gets the query protocol's
 * `Action={Action}` in the query string.
 */
export interface JsonProtocol {
  targetPrefix: string
  version: '1.0' | '1.1'
}

const jsonProtocolServices: Record<string, JsonProtocol> = {
  dynamodb: { targetPrefix: 'DynamoDB_20120810', version: '1.0' },
  kinesis: { targetPrefix: 'Kinesis_20131202', version: '1.1' },
  firehose: { targetPrefix: 'Firehose_20150804', version: '1.1' },
  states: { targetPrefix: 'AWSStepFunctions', version: '1.0' },
  events: { targetPrefix: 'AWSEvents', version: '1.1' },
  logs: { targetPrefix: 'Logs_20140328', version: '1.1' },
  ssm: { targetPrefix: 'AmazonSSM', version: '1.1' },
  secretsmanager: { targetPrefix: 'secretsmanager', version: '1.1' },
}

/** Endpoint prefixes whose SigV4 signing name differs; every other service signs with its own name. */
const signingNames: Record<string, string> = {
  'runtime.sagemaker': 'sagemaker',
  'runtime.lex': 'lex',
  'data.iot': 'iotdata',
}

export const signingNameOf = (service: string) => (Object.hasOwn(signingNames, service) ? signingNames[service] : service)

/** The JSON protocol of a service, or undefined for the query protocol (own keys only: `constructor` is no service). */
export const jsonProtocolOf = (service: string): JsonProtocol | undefined => (Object.hasOwn(jsonProtocolServices, service) ? jsonProtocolServices[service] : undefined)
