import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (text: string, file = 'routes/api.yaml') => compileDefinitions([{ file, text }])
const messages = (text: string) => compile(text).errors.map(formatError)

const doc = (paths: string, extra = '') => `openapi: 3.0.1
info: { title: t, version: '1' }
${extra}
paths:
${paths}`

const proxy = (uri: string, params = '') => `
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: ${uri}
${params}`

describe('compileDefinitions', () => {
  it('compiles an AWS export into the route table', () => {
    const { table, errors } = compile(
      doc(
        `  /pets/{petId}:
    get:
      parameters:
        - { name: petId, in: path, required: true }
        - { name: q, in: query }
${proxy('http://backend.example/pets/{id}', `        requestParameters:
          integration.request.path.id: method.request.path.petId`)}`,
        `x-gateway:
  stages:
    dev: { variables: { host: backend.example } }`,
      ),
    )
    expect(errors).toEqual([])
    const api = table.apis[0]
    expect(api.id).toBe('api')
    expect(Object.keys(api.stages)).toEqual(['dev'])
    expect(api.stages.dev.variables).toEqual({ host: 'backend.example' })
    const get = api.resources[0].methods.GET
    expect(get.integration.type).toBe('http_proxy')
    expect(get.integration.timeoutInMillis).toBe(29000)
    expect(get.requestParameters).toEqual({ 'method.request.path.petId': true, 'method.request.querystring.q': false })
  })

  it('takes the stage from the export servers basePath, else $default', () => {
    const mockOp = `    get:
      x-amazon-apigateway-integration: { type: mock }`
    const fromServers = compile(
      doc(`  /a:\n${mockOp}`, `servers:
  - url: https://abc.execute-api.us-east-1.amazonaws.com/{basePath}
    variables: { basePath: { default: /prod } }`),
    )
    expect(Object.keys(fromServers.table.apis[0].stages)).toEqual(['prod'])
    expect(Object.keys(compile(doc(`  /a:\n${mockOp}`)).table.apis[0].stages)).toEqual(['$default'])
  })

  it('accepts upper-case integration types and ANY as x-amazon-apigateway-any-method', () => {
    const { table, errors } = compile(doc(`  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration:
        type: HTTP_PROXY
        httpMethod: ANY
        uri: http://b.example/{proxy}
        requestParameters: { integration.request.path.proxy: method.request.path.proxy }
        passthroughBehavior: when_no_match`))
    expect(errors).toEqual([])
    expect(table.apis[0].resources[0].methods.ANY.integration).toMatchObject({ type: 'http_proxy', passthroughBehavior: 'WHEN_NO_MATCH' })
  })

  it('lists every error at once with file, JSON path and reason', () => {
    const errors = messages(doc(`  /pets/{id}:
    get:
      x-amazon-apigateway-integration: { type: lambda_magic }
  /pets/{petId}:
    get:
      x-amazon-apigateway-integration: { type: mock }
  /items/{id}:
    get:
${proxy('http://b.example/items/{id}')}`))
    expect(errors).toContain('routes/api.yaml: $.paths["/pets/{id}"].get["x-amazon-apigateway-integration"].type: must be one of http_proxy, http, mock, aws_proxy, aws')
    expect(errors).toContain('routes/api.yaml: $.paths["/pets/{petId}"]: duplicate route: "/pets/{petId}" and "/pets/{id}" are the same resource')
    expect(errors.some((e) => e.startsWith('routes/api.yaml: $.paths["/items/{id}"].get["x-amazon-apigateway-integration"].uri: {id} has no mapping'))).toBe(true)
    expect(errors).toHaveLength(3)
  })

  it('still checks the paths when a top-level part fails its schema', () => {
    const errors = messages(
      doc(
        `  /pets/{id}:
    get:
      x-amazon-apigateway-integration: { type: lambda_magic }
  /items/{id}:
    get:
${proxy('http://b.example/items/{id}')}`,
        `x-gateway:
  stages:
    dev: { variables: { host: { nested: true } } }
  usagePlans:
    - { apiStages: [{ stage: dev }] }
x-amazon-apigateway-gateway-responses:
  NOT_A_TYPE: { statusCode: '400' }`,
      ),
    )
    expect(errors).toContain('routes/api.yaml: $["x-gateway"].stages.dev.variables.host: stage variable values are strings')
    expect(errors).toContain('routes/api.yaml: $["x-gateway"].usagePlans[0].name: is required')
    expect(errors).toContain('routes/api.yaml: $.paths["/pets/{id}"].get["x-amazon-apigateway-integration"].type: must be one of http_proxy, http, mock, aws_proxy, aws')
    expect(errors.some((e) => e.startsWith('routes/api.yaml: $.paths["/items/{id}"].get["x-amazon-apigateway-integration"].uri: {id} has no mapping'))).toBe(true)
    expect(errors).toContain('routes/api.yaml: $["x-amazon-apigateway-gateway-responses"].NOT_A_TYPE: unknown gateway response type "NOT_A_TYPE"')
    expect(errors).toHaveLength(5)
  })

  it('stops at the document when its version or paths are unusable', () => {
    expect(messages("openapi: '2.0'\npaths: {}\n")).toEqual(['routes/api.yaml: $.openapi: only OpenAPI 3.x documents are supported'])
    expect(messages('openapi: 3.0.1\ninfo: { title: 3 }\n')).toEqual([
      'routes/api.yaml: $.info.title: Invalid input: expected string, received number',
      'routes/api.yaml: $.paths: is required',
    ])
  })

  it('takes scalar stage variables as strings and warns about unknown x-gateway keys', () => {
    const { table, errors, warnings } = compile(
      doc(`  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock }`, `x-gateway:
  stage: { dev: {} }
  stages:
    dev: { variables: { port: 8080, tls: false }, cacheClusterEnabld: true }`),
    )
    expect(errors).toEqual([])
    expect(table.apis[0].stages.dev.variables).toEqual({ port: '8080', tls: 'false' })
    expect(warnings.map(formatError)).toEqual([
      'routes/api.yaml: $["x-gateway"].stage: unknown key, ignored',
      'routes/api.yaml: $["x-gateway"].stages.dev.cacheClusterEnabld: unknown key, ignored',
    ])
  })

  it('keeps the minimum compression size on REST APIs and ignores it, with a warning, on HTTP APIs', () => {
    const paths = `  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock }`
    expect(compile(doc(paths, 'x-amazon-apigateway-minimum-compression-size: 0')).table.apis[0].minimumCompressionSize).toBe(0)
    const http = compile(doc(paths, 'x-amazon-apigateway-minimum-compression-size: 10\nx-gateway: { protocolType: HTTP }'))
    expect(http.table.apis[0].minimumCompressionSize).toBeUndefined()
    expect(http.warnings.map(formatError)).toEqual(['routes/api.yaml: $["x-amazon-apigateway-minimum-compression-size"]: payload compression is for REST APIs only: ignored'])
    expect(messages(doc(paths, 'x-amazon-apigateway-minimum-compression-size: 10485761'))).toEqual([
      'routes/api.yaml: $["x-amazon-apigateway-minimum-compression-size"]: must be at most 10485760 (10 MB)',
    ])
  })

  it('warns about a stage variable in a uri that a stage leaves unset', () => {
    const { errors, warnings } = compile(
      doc(
        `  /a:\n    get:\n${proxy('http://${stageVariables.host}/a/${stageVariables.hots}')}  /b:\n    x-amazon-apigateway-any-method:\n${proxy('http://${stageVariables.host}/b')}`,
        `x-gateway:\n  stages:\n    dev: { variables: { host: d.example } }\n    prod: { variables: { host: p.example } }\n    test: {}`,
      ),
    )
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([
      'routes/api.yaml: $.paths["/a"].get["x-amazon-apigateway-integration"].uri: ${stageVariables.host} is not set in stage test: calls there answer 500',
      'routes/api.yaml: $.paths["/a"].get["x-amazon-apigateway-integration"].uri: ${stageVariables.hots} is not set in stages dev, prod, test: calls there answer 500',
      'routes/api.yaml: $.paths["/b"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"].uri: ${stageVariables.host} is not set in stage test: calls there answer 500',
    ])
  })

  it('says so when a file is empty', () => {
    expect(messages('\n  \n')).toEqual(['routes/api.yaml: $: the file is empty: expected an OpenAPI 3 document'])
  })

  it('reports malformed YAML with line and column', () => {
    const errors = messages('openapi: 3.0.1\npaths:\n  /a: [unclosed\n')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^routes\/api\.yaml: line \d+, column \d+: [A-Z]/)
  })

  it('reports duplicate keys as YAML errors', () => {
    const errors = messages(doc(`  /a:
    get:
      x-amazon-apigateway-integration: { type: mock }
  /a:
    post:
      x-amazon-apigateway-integration: { type: mock }`))
    expect(errors[0]).toMatch(/line \d+, column \d+: Map keys must be unique/)
  })

  it.each([
    ['a greedy parameter that is not last', `  /{proxy+}/x:\n    get:\n      x-amazon-apigateway-integration: { type: mock }`, /greedy path parameter \{proxy\+\} must be the last segment/],
    ['a timeout below 50 ms', `  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock, timeoutInMillis: 10 }`, /timeoutInMillis: must be at least 50/],
    ['an invalid selection pattern', `  /a:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n        responses: { '4\\d{2': { statusCode: '400' } }`, /not a valid regular expression/],
    ['a mapping from an undeclared header', `  /a:\n    get:\n${proxy('http://b.example/a', "        requestParameters: { integration.request.header.x: method.request.header.y }")}`, /method.request.header.y is not declared/],
    ['a path parameter in the backend host', `  /{h}:\n    get:\n${proxy('http://{h}.example/', "        requestParameters: { integration.request.path.h: method.request.path.h }")}`, /cannot change the backend host/],
    ['a method without an integration', `  /a:\n    get: { responses: {} }`, /x-amazon-apigateway-integration"\]: /],
    ['an http integration with a relative uri', `  /a:\n    get:\n${proxy('/relative')}`, /is not an absolute http\(s\) URL/],
  ])('refuses %s', (_, paths, pattern) => {
    expect(messages(doc(paths)).join('\n')).toMatch(pattern)
  })

  it('refuses a mapping template with a syntax error, naming the template and its line and column', () => {
    const errors = messages(doc(`  /a:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            {"statusCode": 200}
            #if($input.params('x') == 
        responses: { default: { statusCode: '200' } }`))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^routes\/api\.yaml: \$\.paths\["\/a"\]\.get\["x-amazon-apigateway-integration"\]\.requestTemplates\["application\/json"\]: template syntax error: line 2, column \d+: /,
    )
  })

  it('refuses an unknown gateway response type', () => {
    const errors = messages(doc(`  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock }`, `x-amazon-apigateway-gateway-responses:
  NOT_A_TYPE: { statusCode: '400' }`))
    expect(errors).toEqual(['routes/api.yaml: $["x-amazon-apigateway-gateway-responses"].NOT_A_TYPE: unknown gateway response type "NOT_A_TYPE"'])
  })

  it('refuses two APIs with the same id', () => {
    const text = doc(`  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock }`)
    const { errors } = compileDefinitions([
      { file: 'routes/a/pets.yaml', text },
      { file: 'routes/b/pets.yaml', text },
    ])
    expect(errors.map(formatError)).toEqual(['routes/b/pets.yaml: $["x-gateway"].apiId: API id "pets" is also used by routes/a/pets.yaml; set x-gateway.apiId'])
  })
})
