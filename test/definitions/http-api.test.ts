import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (text: string, file = 'routes/h.yaml') => compileDefinitions([{ file, text }])
const errorsOf = (text: string) => compile(text).errors.map(formatError)

const exported = (paths: string, extra = '') => `openapi: "3.0.1"
info: { title: h, version: "1" }
servers:
- url: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/{basePath}"
  variables: { basePath: { default: "prod" } }
${extra}
paths:
${paths}
x-amazon-apigateway-importexport-version: "1.0"`

const proxy = (uri = 'https://b.example/x', more = '') => `
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        payloadFormatVersion: "1.0"
        uri: "${uri}"${more}`

const lambda = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations"

describe('HTTP API exports', () => {
  it('recognises an export by its marker and serves it on $default, whatever servers says', () => {
    const { table, errors } = compile(exported(`  /pets/{id}:\n    get:${proxy('https://b.example/pets/{id}')}`))
    expect(errors).toEqual([])
    const api = table.apis[0]
    expect(api.protocol).toBe('HTTP')
    expect(Object.keys(api.stages)).toEqual(['$default'])
    const method = api.resources[0].methods.GET
    expect(method.routeKey).toBe('GET /pets/{id}')
    expect(method.integration).toMatchObject({ type: 'http_proxy', timeoutInMillis: 30000, requestParameters: { 'integration.request.path.id': 'method.request.path.id' } })
  })

  it('takes /$default with isDefaultRoute as the $default route, whose HTTP proxy appends the path', () => {
    const { table, errors } = compile(exported(`  /$default:\n    x-amazon-apigateway-any-method:\n      isDefaultRoute: true${proxy()}`))
    expect(errors).toEqual([])
    const method = table.apis[0].resources[0].methods.ANY
    expect(method.routeKey).toBe('$default')
    expect(method.integration.httpApi?.appendRequestPath).toBe(true)
  })

  it("still takes REST's integration.request.* mappings and mock integrations (beyond AWS)", () => {
    const { table, errors } = compile(
      exported(`  /a/{proxy+}:
    get:${proxy('https://b.example/{p}', `
        requestParameters:
          integration.request.path.p: method.request.path.proxy
          integration.request.querystring.from: "'gateway'"
          append:header.x-new: "static"`)}
  /stub:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: "200" } } }`),
    )
    expect(errors).toEqual([])
    const [a, stub] = table.apis[0].resources
    expect(a.methods.GET.integration.requestParameters).toEqual({ 'integration.request.path.p': 'method.request.path.proxy', 'integration.request.querystring.from': "'gateway'" })
    expect(a.methods.GET.integration.httpApi?.requestParameters).toEqual([{ action: 'append', target: 'header', name: 'x-new', value: [{ text: 'static' }] }])
    expect(stub.methods.GET.integration).toMatchObject({ type: 'mock', responses: [{ statusCode: '200' }] })
  })

  it('keeps a REST file with the same paths a REST API', () => {
    const { table } = compile(`openapi: 3.0.1\npaths:\n  /a:\n    get:${proxy()}`)
    expect(table.apis[0].protocol).toBe('REST')
    expect(table.apis[0].resources[0].methods.GET.routeKey).toBeUndefined()
  })

  it('accepts timeoutInMillis up to 30000 on HTTP APIs and 29000 on REST APIs', () => {
    expect(errorsOf(exported(`  /a:\n    get:${proxy(undefined, '\n        timeoutInMillis: 30000')}`))).toEqual([])
    expect(errorsOf(`openapi: 3.0.1\npaths:\n  /a:\n    get:${proxy(undefined, '\n        timeoutInMillis: 30000')}`)).toEqual([
      'routes/h.yaml: $.paths["/a"].get["x-amazon-apigateway-integration"].timeoutInMillis: must be at most 29000 (30000 is for HTTP APIs)',
    ])
  })

  it('lets a route inherit throttlingShards, never more shards than its burst has tokens', () => {
    const { table, errors } = compile(
      exported(
        `  /pets:\n    get:${proxy()}\n  /toys:\n    get:${proxy()}`,
        `x-gateway:
  stages:
    dev:
      defaultRouteSettings: { throttlingBurstLimit: 50, throttlingRateLimit: 20000, throttlingShards: 8 }
      routeSettings:
        "GET /pets": { throttlingBurstLimit: 5 }`,
      ),
    )
    expect(errors).toEqual([])
    expect(table.apis[0].stages.dev.throttle).toEqual({
      '*/*': { rateLimit: 20000, burstLimit: 50, shards: 8 },
      '/pets/GET': { rateLimit: 20000, burstLimit: 5, shards: 5 },
    })
  })

  it('compiles route settings into stage throttles, a route inheriting what it leaves unset', () => {
    const { table, errors } = compile(
      exported(
        `  /pets:\n    get:${proxy()}\n  /$default:\n    x-amazon-apigateway-any-method:\n      isDefaultRoute: true${proxy()}`,
        `x-gateway:
  stages:
    dev:
      defaultRouteSettings: { throttlingBurstLimit: 50, throttlingRateLimit: 20, detailedMetricsEnabled: false }
      routeSettings:
        "GET /pets": { throttlingBurstLimit: 5 }
        "$default": { throttlingRateLimit: 1 }`,
      ),
    )
    expect(errors).toEqual([])
    expect(table.apis[0].stages.dev.throttle).toEqual({
      '*/*': { rateLimit: 20, burstLimit: 50 },
      '/pets/GET': { rateLimit: 20, burstLimit: 5 },
      '/$default/ANY': { rateLimit: 1, burstLimit: 50 },
    })
  })
})

describe('bad HTTP API definitions', () => {
  const at = (path: string, verb = 'get') => `routes/h.yaml: $.paths["${path}"].${verb}["x-amazon-apigateway-integration"]`

  it('refuses reserved headers in request and response mappings', () => {
    const errors = errorsOf(
      exported(`  /a:\n    get:${proxy(
        undefined,
        `
        requestParameters:
          overwrite:header.Authorization: "x"
          append:header.x-amzn-trace-id: "x"
          remove:header.Access-Control-Allow-Origin: "''"
        responseParameters:
          "200":
            overwrite:header.apigw-requestid: "x"`,
      )}`),
    )
    expect(errors).toEqual([
      `${at('/a')}.requestParameters["overwrite:header.Authorization"]: "Authorization" is a reserved header: HTTP API mappings cannot change it`,
      `${at('/a')}.requestParameters["append:header.x-amzn-trace-id"]: "x-amzn-trace-id" is a reserved header: HTTP API mappings cannot change it`,
      `${at('/a')}.requestParameters["remove:header.Access-Control-Allow-Origin"]: "Access-Control-Allow-Origin" is a reserved header: HTTP API mappings cannot change it`,
      `${at('/a')}.responseParameters["200"]["overwrite:header.apigw-requestid"]: "apigw-requestid" is a reserved header: HTTP API mappings cannot change it`,
    ])
  })

  it('refuses unknown mapping keys, sources, bare references in text, JSONPath filters and bad status codes', () => {
    const errors = errorsOf(
      exported(`  /a:\n    get:${proxy(
        undefined,
        `
        requestParameters:
          replace:header.x: "a"
          overwrite:statuscode: "200"
          append:header.x-a: "$request.cookie.c"
          append:header.x-b: "id $request.header.y"
          append:header.x-c: "$request.body..name"
          append:header.x-d: "$request.body.items[?(@.a)]"
          append:header.x-e: "$response.header.y"
        responseParameters:
          "600": { "overwrite:statuscode": "200" }
          "404":
            overwrite:statuscode: "abc"
            append:querystring.q: "x"`,
      )}`),
    )
    const r = `${at('/a')}.requestParameters`
    expect(errors).toEqual([
      `${r}["replace:header.x"]: "replace:header.x" is not a request parameter mapping (append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path)`,
      `${r}["overwrite:statuscode"]: "overwrite:statuscode" is not a request parameter mapping (append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path)`,
      `${r}["append:header.x-a"]: "request.cookie.c" is not a request mapping source (request.header.NAME, request.querystring.NAME, request.body[.JSONPath], request.path[.NAME], context.NAME or stageVariables.NAME)`,
      `${r}["append:header.x-b"]: "id $request.header.y": to combine a reference with other text, write it as \${…} (e.g. "\${request.header.name}")`,
      `${r}["append:header.x-c"]: "request.body..name": recursive descent (..) is not supported in mapping JSONPaths`,
      `${r}["append:header.x-d"]: "request.body.items[?(@.a)]": filter expressions are not supported in mapping JSONPaths`,
      `${r}["append:header.x-e"]: "response.header.y" is not a request mapping source (request.header.NAME, request.querystring.NAME, request.body[.JSONPath], request.path[.NAME], context.NAME or stageVariables.NAME)`,
      `${at('/a')}.responseParameters["404"]["overwrite:statuscode"]: "abc" is not a status code (100-599)`,
      `${at('/a')}.responseParameters["404"]["append:querystring.q"]: "append:querystring.q" is not a response parameter mapping (append|overwrite|remove:header.NAME or overwrite:statuscode)`,
      // Status codes come in numeric order, as JavaScript keeps integer keys.
      `${at('/a')}.responseParameters["600"]: "600" is not a status code from 200 to 599`,
    ])
  })

  it('refuses a misplaced $default route and integrations HTTP APIs do not have', () => {
    const errors = errorsOf(
      exported(`  /$default:
    get:${proxy()}
  /b:
    get:
      isDefaultRoute: true${proxy('https://b.example/{nope}')}
  /c:
    get:
      x-amazon-apigateway-integration: { type: aws, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:sqs:path/123456789012/q" }
  /d:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "https://b.example", payloadFormatVersion: "2.0" }
  /e:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: "${lambda}"
        requestParameters: { "append:header.x": "y" }`),
    )
    expect(errors).toEqual([
      'routes/h.yaml: $.paths["/$default"].get: the $default route takes every method: write it as x-amazon-apigateway-any-method',
      'routes/h.yaml: $.paths["/b"].get.isDefaultRoute: only the path /$default is the $default route',
      `${at('/b')}.uri: {nope} is not a path parameter of this route`,
      `${at('/c')}.type: HTTP APIs have http_proxy and aws_proxy integrations (and mock here), not aws`,
      `${at('/d')}.payloadFormatVersion: HTTP proxy integrations use payload format 1.0`,
      `${at('/e', 'post')}.payloadFormatVersion: a Lambda integration of an HTTP API needs payloadFormatVersion: '1.0' or '2.0'`,
      `${at('/e', 'post')}.requestParameters: request parameter mapping is supported on http_proxy integrations only`,
    ])
  })

  it('refuses route settings with a bad route key, an unknown route, or on a REST API', () => {
    const stages = `x-gateway:
  stages:
    dev:
      routeSettings:
        "get /a": { throttlingRateLimit: 1 }
        "GET /nowhere": { throttlingRateLimit: 1 }
        "FETCH /a": { throttlingRateLimit: 1 }`
    expect(errorsOf(exported(`  /a:\n    get:${proxy()}`, stages))).toEqual([
      'routes/h.yaml: $["x-gateway"].stages.dev.routeSettings["get /a"]: "get /a" is not a route key: "$default" or "METHOD /path" with METHOD one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
      'routes/h.yaml: $["x-gateway"].stages.dev.routeSettings["GET /nowhere"]: no route "GET /nowhere" in this API',
      'routes/h.yaml: $["x-gateway"].stages.dev.routeSettings["FETCH /a"]: "FETCH /a" is not a route key: "$default" or "METHOD /path" with METHOD one of ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT',
    ])
    expect(errorsOf(`openapi: 3.0.1\n${stages}\npaths:\n  /a:\n    get:${proxy()}`)).toEqual([
      'routes/h.yaml: $["x-gateway"].stages.dev.routeSettings: route settings are for HTTP APIs; REST stages use methodSettings',
    ])
  })

  it('refuses an unknown subtype, a parameter the subtype does not take, and a missing required one', () => {
    const errors = errorsOf(
      exported(`  /a:
    post:
      x-amazon-apigateway-integration:
        integrationSubtype: "SQS-ReceiveMessage"
        type: aws_proxy
        requestParameters: { QueueUrl: "q" }
  /b:
    post:
      x-amazon-apigateway-integration:
        integrationSubtype: "SQS-SendMessage"
        type: http_proxy
        credentials: "not-a-role"
        requestParameters: { QueueUrl: "q", Body: "$request.body" }`),
    )
    expect(errors).toEqual([
      `${at('/a', 'post')}.integrationSubtype: "SQS-ReceiveMessage" is not supported (supported: SQS-SendMessage, EventBridge-PutEvents, StepFunctions-StartExecution, Kinesis-PutRecord)`,
      `${at('/b', 'post')}.type: an integrationSubtype integration is of type aws_proxy`,
      `${at('/b', 'post')}.requestParameters.Body: SQS-SendMessage takes no parameter "Body" (it takes QueueUrl, MessageBody, DelaySeconds, MessageAttributes, MessageDeduplicationId, MessageGroupId, MessageSystemAttributes, Region)`,
      `${at('/b', 'post')}.requestParameters: SQS-SendMessage needs the parameter MessageBody`,
      `${at('/b', 'post')}.credentials: "not-a-role" is neither an IAM role ARN (arn:aws:iam::{account}:role/{name}) nor arn:aws:iam::*:user/*`,
    ])
  })
})
