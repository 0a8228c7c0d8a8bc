import { bytesToBase64 } from '../../base64'

/**
 * HTTP APIs' first-class AWS service integrations (`integrationSubtype`): the parameters each
 * takes, as AWS's integration subtype reference names them, and the JSON-protocol call each is.
 * Values arrive as strings from parameter mappings; numbers, lists and objects are read from them.
 */
export interface IntegrationSubtype {
  /** Endpoint prefix and SigV4 signing name. */
  service: string
  /** `X-Amz-Target` and the `application/x-amz-json-*` version. */
  target: string
  jsonVersion: '1.0' | '1.1'
  required: string[]
  optional: string[]
  /** The API call's JSON input from the mapped parameters; a value that cannot be read throws. */
  input(p: Record<string, string>): unknown
}

const number = (v: string | undefined) => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw new TypeError(`"${v}" is not a number`)
  return n
}
const json = (v: string | undefined): unknown => (v === undefined ? undefined : JSON.parse(v))
const base64 = (v: string) => bytesToBase64(new TextEncoder().encode(v))

/** Leaves out parameters that were not mapped or resolved to nothing. */
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

export const integrationSubtypes: Record<string, IntegrationSubtype> = {
  'SQS-SendMessage': {
    service: 'sqs',
    target: 'AmazonSQS.SendMessage',
    jsonVersion: '1.0',
    required: ['QueueUrl', 'MessageBody'],
    optional: ['DelaySeconds', 'MessageAttributes', 'MessageDeduplicationId', 'MessageGroupId', 'MessageSystemAttributes', 'Region'],
    input: (p) =>
      defined({
        QueueUrl: p.QueueUrl,
        MessageBody: p.MessageBody,
        DelaySeconds: number(p.DelaySeconds),
        MessageAttributes: json(p.MessageAttributes),
        MessageDeduplicationId: p.MessageDeduplicationId,
        MessageGroupId: p.MessageGroupId,
        MessageSystemAttributes: json(p.MessageSystemAttributes),
      }),
  },
  'EventBridge-PutEvents': {
    service: 'events',
    target: 'AWSEvents.PutEvents',
    jsonVersion: '1.1',
    required: ['Detail', 'DetailType', 'Source'],
    optional: ['Time', 'EventBusName', 'Resources', 'Region', 'TraceHeader'],
    input: (p) => ({
      Entries: [
        defined({ Source: p.Source, DetailType: p.DetailType, Detail: p.Detail, EventBusName: p.EventBusName, Resources: json(p.Resources), Time: p.Time, TraceHeader: p.TraceHeader }),
      ],
    }),
  },
  'StepFunctions-StartExecution': {
    service: 'states',
    target: 'AWSStepFunctions.StartExecution',
    jsonVersion: '1.0',
    required: ['StateMachineArn'],
    optional: ['Name', 'Input', 'Region'],
    input: (p) => defined({ stateMachineArn: p.StateMachineArn, name: p.Name, input: p.Input }),
  },
  'Kinesis-PutRecord': {
    service: 'kinesis',
    target: 'Kinesis_20131202.PutRecord',
    jsonVersion: '1.1',
    required: ['StreamName', 'Data', 'PartitionKey'],
    optional: ['SequenceNumberForOrdering', 'ExplicitHashKey', 'Region'],
    // The API takes the record's bytes in base64.
    input: (p) =>
      defined({ StreamName: p.StreamName, Data: base64(p.Data), PartitionKey: p.PartitionKey, SequenceNumberForOrdering: p.SequenceNumberForOrdering, ExplicitHashKey: p.ExplicitHashKey }),
  },
}

/** A subtype by name (own keys only). */
export const subtypeNamed = (name: string): IntegrationSubtype | undefined => (Object.hasOwn(integrationSubtypes, name) ? integrationSubtypes[name] : undefined)
