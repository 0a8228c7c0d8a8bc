import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { verifySigV4, type SigningKey } from '../helpers/sigv4'

/**
 * AWS services for tests, on one port as LocalStack serves them: which service a request is
 * for comes from its SigV4 credential scope. Every request must be signed with a known key
 * (else 403, as AWS answers), so a passing test proves the gateway's signing. Speaks:
 * - Lambda's Invoke API (RequestResponse, Event, DryRun; function errors as
 *   `X-Amz-Function-Error` + `{errorMessage, errorType, stackTrace, requestId}`),
 * - SQS SendMessage (query protocol), DynamoDB Query (JSON protocol), STS AssumeRole.
 */

/** A Lambda handler; throw LambdaError for a function error, LambdaServiceError for Lambda refusing the call. */
export type LambdaFunction = (event: any, call: { functionName: string; headers: [string, string][] }) => unknown

export class LambdaError extends Error {
  constructor(
    readonly errorMessage: string,
    readonly errorType = 'Exception',
  ) {
    super(errorMessage)
  }
}

export class LambdaServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
  ) {
    super(type)
  }
}

export interface AwsServicesOptions {
  /** Access key id → secret (and required session token). */
  keys: Map<string, SigningKey>
  functions?: Record<string, LambdaFunction>
  /** Table name → items (DynamoDB JSON). */
  tables?: Record<string, Record<string, { S?: string; N?: string }>[]>
  /** `{account}/{queue}` paths of existing queues. */
  queues?: string[]
  /** Role ARN → the temporary key STS hands out for it (also add it to `keys`). */
  roles?: Record<string, { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresInSeconds?: number }>
}

/** What one call did, for assertions (`fields` is what `backendReceived` checks for AWS services). */
export interface AwsCall {
  service: string
  accessKeyId?: string
  signedHeaders?: string[]
  /** Lambda: function name, invocation type and event; SQS: the message; DynamoDB: the request. */
  fields: Record<string, unknown>
  headers: [string, string][]
  status: number
}

export interface RawAwsRequest {
  method: string
  target: string
  headers: [string, string][]
  body: Buffer
}

/**
 * Answers one request as the service it is signed for; resolves to what happened.
 * @example
 * const answer = awsServices({ keys, functions: { echo: (e) => e } })
 * const call = await answer(request, res)
 */
export function awsServices(options: AwsServicesOptions) {
  return async function answer(r: RawAwsRequest, res: ServerResponse): Promise<AwsCall> {
    const call: AwsCall = { service: '?', fields: {}, headers: r.headers, status: 0 }
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      call.status = status
      res.writeHead(status, { 'x-amzn-RequestId': randomUUID(), 'Content-Length': String(Buffer.byteLength(body)), ...headers })
      res.end(body)
      return call
    }
    const signer = verifySigV4(r, options.keys)
    if ('error' in signer) {
      return send(403, JSON.stringify({ message: signer.error }), { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'InvalidSignatureException' })
    }
    Object.assign(call, { service: signer.service, accessKeyId: signer.accessKeyId, signedHeaders: signer.signedHeaders })
    try {
      switch (signer.service) {
        case 'lambda':
          return await lambda(r, call, send)
        case 'sqs':
          return sqs(r, call, send)
        case 'dynamodb':
          return dynamodb(r, call, send)
        case 'sts':
          return sts(r, call, send)
      }
      return send(400, JSON.stringify({ message: `no such service: ${signer.service}` }), { 'Content-Type': 'application/json' })
    } catch (e) {
      return send(500, String(e))
    }
  }

  type Send = (status: number, body: string | Buffer, headers?: Record<string, string>) => AwsCall

  async function lambda(r: RawAwsRequest, call: AwsCall, send: Send) {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(r.target.split('?')[0])
    if (r.method !== 'POST' || !m) return send(404, JSON.stringify({ message: 'UnknownOperationException' }), { 'x-amzn-ErrorType': 'UnknownOperationException' })
    const ref = decodeURIComponent(m[1])
    // An ARN, a partial ARN or a name; a qualifier after the name is ignored here.
    const functionName = /(?:^|:function:)([A-Za-z0-9_-]+)(?::[^:]*)?$/.exec(ref)?.[1] ?? ref
    const invocationType = header(r, 'x-amz-invocation-type') ?? 'RequestResponse'
    const text = r.body.toString('utf8')
    let event: unknown
    try {
      event = text === '' ? {} : JSON.parse(text)
    } catch {
      return send(400, JSON.stringify({ Type: 'User', message: 'Could not parse request body into json' }), { 'x-amzn-ErrorType': 'InvalidRequestContentException' })
    }
    call.fields = { functionName, invocationType, event }
    const fn = options.functions?.[functionName]
    if (!fn) return send(404, JSON.stringify({ Type: 'User', message: `Function not found: ${ref}` }), { 'x-amzn-ErrorType': 'ResourceNotFoundException' })
    if (invocationType === 'DryRun') return send(204, '')
    if (invocationType === 'Event') {
      Promise.resolve().then(() => fn(event, { functionName, headers: r.headers })).catch(() => {})
      return send(202, '')
    }
    const requestId = randomUUID()
    try {
      const result = await fn(event, { functionName, headers: r.headers })
      return send(200, JSON.stringify(result ?? null), { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST' })
    } catch (e) {
      if (e instanceof LambdaServiceError) return send(e.status, JSON.stringify({ Type: 'Service', message: e.type }), { 'x-amzn-ErrorType': e.type })
      const error = e instanceof LambdaError ? e : new LambdaError(String((e as Error).message ?? e), 'Error')
      const payload = { errorMessage: error.errorMessage, errorType: error.errorType, requestId, stackTrace: ['  File "/var/task/handler.py", line 7, in handler'] }
      return send(200, JSON.stringify(payload), { 'Content-Type': 'application/json', 'X-Amz-Function-Error': 'Unhandled', 'X-Amz-Executed-Version': '$LATEST' })
    }
  }

  function sqs(r: RawAwsRequest, call: AwsCall, send: Send) {
    const [path, query = ''] = r.target.split('?')
    const params = new URLSearchParams(query)
    if (/^application\/x-www-form-urlencoded/i.test(header(r, 'content-type') ?? '')) for (const [k, v] of new URLSearchParams(r.body.toString('utf8'))) params.append(k, v)
    const action = params.get('Action')
    const queue = path.replace(/^\//, '')
    call.fields = { Action: action, QueueUrl: queue, ...(params.has('MessageBody') ? { MessageBody: params.get('MessageBody') } : {}) }
    const xmlError = (code: string) => send(400, `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code></Error></ErrorResponse>`, { 'Content-Type': 'text/xml' })
    if (action !== 'SendMessage') return xmlError('InvalidAction')
    if (!(options.queues ?? []).includes(queue)) return xmlError('AWS.SimpleQueueService.NonExistentQueue')
    const md5 = createHash('md5').update(params.get('MessageBody') ?? '').digest('hex')
    return send(
      200,
      `<?xml version="1.0"?><SendMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageResult><MD5OfMessageBody>${md5}</MD5OfMessageBody><MessageId>${randomUUID()}</MessageId></SendMessageResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendMessageResponse>`,
      { 'Content-Type': 'text/xml' },
    )
  }

  function dynamodb(r: RawAwsRequest, call: AwsCall, send: Send) {
    const error = (type: string, message: string) =>
      send(400, JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }), { 'Content-Type': 'application/x-amz-json-1.0' })
    const target = header(r, 'x-amz-target')
    if (header(r, 'content-type') !== 'application/x-amz-json-1.0') return error('SerializationException', 'Content-Type must be application/x-amz-json-1.0')
    if (target !== 'DynamoDB_20120810.Query') return error('UnknownOperationException', `unknown operation ${target}`)
    const input = JSON.parse(r.body.toString('utf8')) as { TableName: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, { S?: string }> }
    call.fields = { target, ...input }
    const items = options.tables?.[input.TableName]
    if (!items) return error('ResourceNotFoundException', 'Requested resource not found')
    const m = /^\s*(\w+)\s*=\s*(:\w+)\s*$/.exec(input.KeyConditionExpression ?? '')
    if (!m) return error('ValidationException', 'only "key = :value" conditions are supported here')
    const want = JSON.stringify(input.ExpressionAttributeValues?.[m[2]])
    const found = items.filter((item) => JSON.stringify(item[m[1]]) === want)
    return send(200, JSON.stringify({ Count: found.length, Items: found, ScannedCount: found.length }), { 'Content-Type': 'application/x-amz-json-1.0' })
  }

  function sts(r: RawAwsRequest, call: AwsCall, send: Send) {
    const params = new URLSearchParams(r.body.toString('utf8'))
    const roleArn = params.get('RoleArn') ?? ''
    call.fields = { Action: params.get('Action'), RoleArn: roleArn, RoleSessionName: params.get('RoleSessionName') }
    const role = options.roles?.[roleArn]
    if (params.get('Action') !== 'AssumeRole' || !role) {
      return send(403, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole on ${roleArn}</Message></Error></ErrorResponse>`, { 'Content-Type': 'text/xml' })
    }
    const expiration = new Date(Date.now() + (role.expiresInSeconds ?? 3600) * 1000).toISOString()
    return send(
      200,
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${role.accessKeyId}</AccessKeyId><SecretAccessKey>${role.secretAccessKey}</SecretAccessKey><SessionToken>${role.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`,
      { 'Content-Type': 'text/xml' },
    )
  }
}

/**
 * The services on their own port, recording every call (for tests outside the conformance harness).
 * A call is recorded once answered; `arrived()` counts calls as they come in, so a slow answer
 * from an earlier test cannot land inside a later test's count.
 */
export async function startAwsServices(
  options: AwsServicesOptions,
): Promise<{ url: string; calls: AwsCall[]; arrived(): number; stop(): Promise<void> }> {
  const answer = awsServices(options)
  const calls: AwsCall[] = []
  let arrivals = 0
  const server = createServer((req: IncomingMessage, res) => {
    arrivals++
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const headers: [string, string][] = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]])
      calls.push(await answer({ method: req.method ?? 'GET', target: req.url ?? '/', headers, body: Buffer.concat(chunks) }, res))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    arrived: () => arrivals,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const header = (r: { headers: [string, string][] }, name: string) => r.headers.find(([n]) => n.toLowerCase() === name)?.[1]
