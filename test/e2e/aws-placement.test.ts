import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startGateway, type RunningGateway } from './helpers/gateway'
import { rawRequest } from './helpers/http'
import { routesDir } from './helpers/routes'
import { startAwsServices } from './conformance/aws-services'

/**
 * Where an API sits in AWS, over real sockets: `gateway serve` reaches Lambda through the AWS SDKs'
 * `AWS_ENDPOINT_URL_LAMBDA` (no `awsEndpoints` in the definition), and names the API's own region
 * and account (`x-gateway.region`, `x-gateway.accountId`) in the ARN its authorizer is asked about.
 */

const run = promisify(execFile)
const bin = fileURLToPath(new URL('../../bin/gateway.js', import.meta.url))
const own = { accessKeyId: 'AKIAE2EPLACEMENT0001', secretAccessKey: 'e2e/placement/secret/0123456789' }
const fn = (name: string) => `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:${name}/invocations`
const realArn = 'arn:aws:execute-api:eu-west-1:123456789012:orders/prod'

const api = `openapi: 3.0.1
info: { title: orders, version: '1' }
x-gateway: { apiId: orders, stages: { prod: {} }, region: eu-west-1, accountId: '123456789012' }
components:
  securitySchemes:
    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn('authorize')}', authorizerResultTtlInSeconds: 0 }
paths:
  /pets/{id}:
    get:
      security: [{ tok: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates: { application/json: '{"account": "$context.accountId"}' }
  /echo:
    get:
      x-amazon-apigateway-integration: { type: aws_proxy, httpMethod: POST, uri: '${fn('echo')}' }
`

let services: Awaited<ReturnType<typeof startAwsServices>>
let gateway: RunningGateway
let routes: Awaited<ReturnType<typeof routesDir>>
const askedAbout: string[] = []

beforeAll(async () => {
  services = await startAwsServices({
    keys: new Map([[own.accessKeyId, own]]),
    functions: {
      // A policy as written for the real API: its region, its account.
      authorize: (event) => {
        askedAbout.push(event.methodArn)
        const account = event.authorizationToken === 'other-account' ? '999999999999' : '123456789012'
        return {
          principalId: 'u1',
          policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:eu-west-1:${account}:orders/prod/GET/pets/*` }] },
        }
      },
      echo: (event) => ({ statusCode: 200, body: JSON.stringify({ accountId: event.requestContext.accountId }) }),
    },
  })
  routes = await routesDir({ 'orders.yaml': api })
  gateway = await startGateway(routes.dir, {
    env: {
      AWS_ACCESS_KEY_ID: own.accessKeyId,
      AWS_SECRET_ACCESS_KEY: own.secretAccessKey,
      AWS_ENDPOINT_URL_LAMBDA: services.url,
      // Every other service: nothing listens there, so only the Lambda variable can reach the stand-in.
      AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}`,
    },
  })
}, 90_000)

afterAll(async () => {
  await gateway?.stop()
  await services?.stop()
  await routes?.remove()
})

describe('AWS_ENDPOINT_URL_<SERVICE>', () => {
  it('reaches Lambda at AWS_ENDPOINT_URL_LAMBDA, ahead of AWS_ENDPOINT_URL', async () => {
    const res = await rawRequest(gateway.url, { path: '/prod/echo' })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ accountId: '123456789012' })
    expect(services.calls.filter((c) => c.service === 'lambda').at(-1)).toMatchObject({ status: 200, fields: { functionName: 'echo' } })
  })

  it('refuses to start when a variable is set to something other than an http(s) URL', async () => {
    const refused = await run(process.execPath, [bin, 'serve', '--routes', routes.dir, '--port', '0'], { env: { ...process.env, AWS_ENDPOINT_URL_LAMBDA: 'localhost:9001' } }).catch((e) => e)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe('gateway: AWS_ENDPOINT_URL_LAMBDA must be an http(s) URL such as http://localhost:4566, got "localhost:9001"\n')
  })
})

describe('x-gateway.region and x-gateway.accountId', () => {
  it("ask the authorizer about the API's own ARN, and match its policy against it", async () => {
    const res = await rawRequest(gateway.url, { path: '/prod/pets/7', headers: { authorization: 'real-account' } })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ account: '123456789012' })
    expect(askedAbout.at(-1)).toBe(`${realArn}/GET/pets/7`)
  })

  it("deny a policy that names another account's API", async () => {
    const res = await rawRequest(gateway.url, { path: '/prod/pets/7', headers: { authorization: 'other-account' } })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.text)).toEqual({ Message: 'User is not authorized to access this resource' })
  })
})
