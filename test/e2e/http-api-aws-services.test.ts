import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway, type RunningGateway } from './helpers/gateway'
import { routesDir } from './helpers/routes'
import { rawRequest } from './helpers/http'
import { verifySigV4, type SignedBy } from './helpers/sigv4'

// HTTP API first-class AWS service integrations (integrationSubtype) against a stand-in for the
// services on 127.0.0.1 that checks each call's SigV4 signature and records what it was asked.

const own = { accessKeyId: 'AKIAE2EHTTPAPI000001', secretAccessKey: 'e2e/http-api/secret/0123456789' }

interface Call {
  target: string | undefined
  contentType: string | undefined
  input: Record<string, unknown>
  signed: SignedBy | { error: string }
}

const integration = (subtype: string, parameters: Record<string, string>) => `
      x-amazon-apigateway-integration:
        integrationSubtype: "${subtype}"
        credentials: "arn:aws:iam::*:user/*"
        requestParameters:
${Object.entries(parameters)
  .map(([k, v]) => `          ${k}: "${v}"`)
  .join('\n')}
        payloadFormatVersion: "1.0"
        type: "aws_proxy"
        connectionType: "INTERNET"
        timeoutInMillis: 10000`

const api = (endpoint: string) => `openapi: "3.0.1"
info: { title: "events", version: "1" }
servers:
- url: "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/{basePath}"
  variables: { basePath: { default: "" } }
x-gateway: { awsEndpoints: { default: "${endpoint}" } }
paths:
  /orders:
    post:${integration('SQS-SendMessage', { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders', MessageBody: '$request.body', MessageGroupId: '${request.header.x-tenant}', DelaySeconds: '$request.querystring.delay' })}
  /events:
    post:${integration('EventBridge-PutEvents', { Source: 'shop', DetailType: 'order-placed', Detail: '$request.body', EventBusName: '$stageVariables.bus' })}
  /workflows/{name}:
    post:${integration('StepFunctions-StartExecution', { StateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders', Name: '$request.path.name', Input: '$request.body', Region: 'us-west-2' })}
  /records:
    put:${integration('Kinesis-PutRecord', { StreamName: 'clicks', Data: '$request.body.click', PartitionKey: '$context.requestId' })}
x-amazon-apigateway-importexport-version: "1.0"
`

let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>
let services: Server
const calls: Call[] = []

beforeAll(async () => {
  services = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const headers: [string, string][] = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]])
      const signed = verifySigV4({ method: req.method!, target: req.url!, headers, body }, new Map([[own.accessKeyId, own]]))
      calls.push({ target: req.headers['x-amz-target'] as string, contentType: req.headers['content-type'], input: JSON.parse(body.toString()), signed })
      res.statusCode = 'error' in signed ? 403 : 200
      res.setHeader('content-type', 'application/x-amz-json-1.0')
      res.end('error' in signed ? '{"message":"bad signature"}' : '{"MessageId":"m-1"}')
    })
  })
  await new Promise<void>((resolve) => services.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(services.address() as { port: number }).port}`
  routes = await routesDir({ 'events.yaml': api(endpoint) })
  gateway = await startGateway(routes.dir, { env: { AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey, AWS_SESSION_TOKEN: '' } })
}, 60_000)

afterAll(async () => {
  await gateway?.stop()
  await new Promise((resolve) => services?.close(resolve))
  await routes?.remove()
})

const post = (path: string, body: string, headers: Record<string, string> = {}, method = 'POST') =>
  rawRequest(gateway.url, { method, path, body, headers: { 'content-type': 'application/json', ...headers } })

describe('AWS service integrations of HTTP APIs', () => {
  it('sends SQS SendMessage, signed, with mapped body, header and query values, and returns the answer', async () => {
    const res = await post('/orders?delay=5', '{"id":7}', { 'x-tenant': 'acme' })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ MessageId: 'm-1' })
    expect(res.headers['apigw-requestid']).toBeDefined()
    const call = calls.at(-1)!
    expect(call.signed).toMatchObject({ accessKeyId: own.accessKeyId, service: 'sqs', region: 'eu-west-1' })
    expect(call).toMatchObject({ target: 'AmazonSQS.SendMessage', contentType: 'application/x-amz-json-1.0' })
    expect(call.input).toEqual({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders', MessageBody: '{"id":7}', MessageGroupId: 'acme', DelaySeconds: 5 })
  })

  it('puts an EventBridge event, leaving out a parameter that resolved to nothing', async () => {
    expect((await post('/events', '{"total":3}')).status).toBe(200)
    const call = calls.at(-1)!
    expect(call).toMatchObject({ target: 'AWSEvents.PutEvents', contentType: 'application/x-amz-json-1.1', signed: { service: 'events' } })
    expect(call.input).toEqual({ Entries: [{ Source: 'shop', DetailType: 'order-placed', Detail: '{"total":3}' }] })
  })

  it('starts a Step Functions execution in the region its Region parameter names', async () => {
    expect((await post('/workflows/run-1', '{"a":1}')).status).toBe(200)
    const call = calls.at(-1)!
    expect(call).toMatchObject({ target: 'AWSStepFunctions.StartExecution', signed: { service: 'states', region: 'us-west-2' } })
    expect(call.input).toEqual({ stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders', name: 'run-1', input: '{"a":1}' })
  })

  it('puts a Kinesis record with its data in base64', async () => {
    const res = await post('/records', '{"click":"buy"}', {}, 'PUT')
    expect(res.status).toBe(200)
    const call = calls.at(-1)!
    expect(call).toMatchObject({ target: 'Kinesis_20131202.PutRecord', signed: { service: 'kinesis' } })
    expect(call.input).toMatchObject({ StreamName: 'clicks', Data: Buffer.from('buy').toString('base64') })
    expect(call.input.PartitionKey).toBe(res.headers['apigw-requestid'])
  })

  it('refuses with 400, calling no service, when a required value is missing or a number is not one', async () => {
    const before = calls.length
    const missing = await post('/records', '{"other":1}', {}, 'PUT')
    expect(missing.status).toBe(400)
    expect(missing.text).toBe('{"message":"Bad Request"}')
    expect((await post('/orders?delay=soon', '{}')).status).toBe(400)
    expect(calls.length).toBe(before)
  })
})
