import { LambdaError, type LambdaFunction } from './aws-services'

/**
 * The Lambda functions the AWS and AWS_PROXY cases were recorded against, by the names the
 * corpus gives them (conformance/README.md, "Backends").
 */
export const conformanceFunctions: Record<string, LambdaFunction> = {
  'lambda-echo-event': (event) => event,
  'lambda-select-pattern': (event) => {
    if (event.statusCode === '200') return 'Pass'
    const which = event.statusCode === '400' ? 'four hundred' : 'five hundred'
    throw new LambdaError(`Error: Raising ${which} from within the Lambda function`)
  },
  'lambda-mapping-responses': (event) => ({ statusCode: 200, body: Number(event.body?.httpStatus) >= 400 ? 'customerror' : 'noerror' }),
  'any-lambda': () => null,
  'lambda-proxy-echo-event': (event) => ({ statusCode: 200, body: JSON.stringify(event), isBase64Encoded: false }),
  'lambda-proxy-return-request-body': (event) =>
    JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body),
  'lambda-proxy-fixed-300-xml': () => ({
    isBase64Encoded: false,
    statusCode: 300,
    headers: { 'content-type': 'application/xml' },
    body: '<message>completed</message>',
  }),
}

/** The credentials the harness gives `gateway serve`; the fake services accept only these. */
export const harnessAwsCredentials = { accessKeyId: 'AKIACONFORMANCE00001', secretAccessKey: 'conformance/secret/key/0123456789abcdef' }

/** Which harness server answers a case's backend id: the AWS ones all live on the `aws` server. */
export function harnessBackendOf(id: string): string {
  if (id in conformanceFunctions || id === 'sqs-queue' || id.startsWith('dynamodb-table')) return 'aws'
  return id
}
