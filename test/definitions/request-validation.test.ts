import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (text: string) => compileDefinitions([{ file: 'routes/api.yaml', text }])
const messages = (text: string) => compile(text).errors.map(formatError)

const mock = `
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } }`

const doc = (paths: string, root = '', schemas = '') => `openapi: 3.0.1
info: { title: t, version: '1' }
x-amazon-apigateway-request-validators:
  all: { validateRequestParameters: true, validateRequestBody: true }
  body: { validateRequestBody: true }
${root}
components:
  schemas:
    Pet: { type: object, properties: { name: { type: string }, tags: { $ref: '#/components/schemas/Tags' } }, required: [name] }
    Tags: { type: array, items: { type: string } }
    Unused: { type: not-a-type }
${schemas}
paths:
${paths}`

const withBody = (schema: string, validator = 'all') => `  /pets:
    post:
      x-amazon-apigateway-request-validator: ${validator}
      requestBody: { content: { application/json: { schema: ${schema} } } }
${mock}`

describe('request validators in definitions', () => {
  it('compiles a method validator: required parameters in AWS order and its body models', () => {
    const { table, errors } = compile(
      doc(`  /pets/{id}:
    post:
      x-amazon-apigateway-request-validator: all
      parameters:
        - { name: limit, in: query, required: true }
        - { name: id, in: path, required: true }
        - { name: X-Trace, in: header, required: true }
        - { name: optional, in: query }
      requestBody: { content: { 'application/json; charset=utf-8': { schema: { $ref: '#/components/schemas/Pet' } } } }
${mock}`),
    )
    expect(errors).toEqual([])
    const api = table.apis[0]
    expect(api.resources[0].methods.POST.validation).toEqual({
      requiredParameters: [
        { location: 'header', name: 'X-Trace' },
        { location: 'path', name: 'id' },
        { location: 'querystring', name: 'limit' },
      ],
      bodyModels: { 'application/json': 'Pet' },
    })
    // Only the models validating methods reach (Unused is neither checked nor carried), references rewritten to model URIs.
    expect(Object.keys(api.models ?? {}).sort()).toEqual(['Pet', 'Tags'])
    expect(JSON.stringify(api.models)).toContain('"$ref":"https://apigateway.amazonaws.com/restapis/api/models/Tags"')
  })

  it('applies the root default validator, and an operation’s own overrides it', () => {
    const { table, errors } = compile(
      doc(
        `  /a:
    get:
      parameters: [{ name: q, in: query, required: true }]
${mock}
  /b:
    get:
      x-amazon-apigateway-request-validator: body
      parameters: [{ name: q, in: query, required: true }]
${mock}`,
        'x-amazon-apigateway-request-validator: all',
      ),
    )
    expect(errors).toEqual([])
    const [a, b] = table.apis[0].resources
    expect(a.methods.GET.validation).toEqual({ requiredParameters: [{ location: 'querystring', name: 'q' }] })
    expect(b.methods.GET.validation).toBeUndefined()
    expect(table.apis[0].models).toBeUndefined()
  })

  it('reports an unknown validator name, at the root and on an operation', () => {
    expect(messages(doc(withBody(`{ $ref: '#/components/schemas/Pet' }`, 'constructor')))).toEqual([
      'routes/api.yaml: $.paths["/pets"].post["x-amazon-apigateway-request-validator"]: unknown request validator "constructor" (x-amazon-apigateway-request-validators has "all", "body")',
    ])
    expect(messages(doc(withBody(`{ $ref: '#/components/schemas/Pet' }`, 'strict'), 'x-amazon-apigateway-request-validator: lenient'))).toEqual([
      'routes/api.yaml: $["x-amazon-apigateway-request-validator"]: unknown request validator "lenient" (x-amazon-apigateway-request-validators has "all", "body")',
      'routes/api.yaml: $.paths["/pets"].post["x-amazon-apigateway-request-validator"]: unknown request validator "strict" (x-amazon-apigateway-request-validators has "all", "body")',
    ])
  })

  it('reports a $ref to a missing model, from a method or from inside a model', () => {
    expect(messages(doc(withBody(`{ $ref: '#/components/schemas/Cat' }`)))).toEqual([
      'routes/api.yaml: $.paths["/pets"].post.requestBody.content["application/json"].schema.$ref: $ref to a missing model "Cat" (no components.schemas["Cat"])',
    ])
    expect(messages(doc(withBody(`{ $ref: '#/components/schemas/Owner' }`), '', `    Owner: { type: object, properties: { pet: { $ref: '#/components/schemas/Dog' } } }`))).toEqual([
      'routes/api.yaml: $.components.schemas.Owner.properties.pet.$ref: $ref to a missing model "Dog" (no components.schemas["Dog"])',
    ])
  })

  it('reports a model that is not valid JSON Schema draft 4', () => {
    const bad = `    Bad:
      type: object
      properties:
        age: { type: int, exclusiveMinimum: 0 }
        code: { type: string, pattern: '([a-z' }
      required: []
      oneOf: []`
    expect(messages(doc(withBody(`{ $ref: '#/components/schemas/Bad' }`), '', bad))).toEqual([
      'routes/api.yaml: $.components.schemas.Bad.properties.age.type: must be one of array, boolean, integer, null, number, object, string, or a list of them',
      'routes/api.yaml: $.components.schemas.Bad.properties.age.exclusiveMinimum: must be true or false in draft 4 (it qualifies minimum/maximum)',
      expect.stringMatching(/^routes\/api\.yaml: \$\.components\.schemas\.Bad\.properties\.code\.pattern: is not a valid regular expression: /),
      'routes/api.yaml: $.components.schemas.Bad.oneOf: must be a non-empty list of schemas',
      'routes/api.yaml: $.components.schemas.Bad.required: must be a non-empty list of property names',
    ])
  })

  it('checks inline schemas and pointers inside a model', () => {
    expect(messages(doc(withBody(`{ type: object, properties: { n: { $ref: '#/definitions/missing' } } }`)))).toEqual([
      'routes/api.yaml: $.paths["/pets"].post.requestBody.content["application/json"].schema.properties.n.$ref: $ref "#/definitions/missing" points at no schema',
    ])
    expect(messages(doc(withBody(`{ type: array, items: { $ref: '#/components/schemas/Pet/properties/nope' } }`)))).toEqual([
      'routes/api.yaml: $.paths["/pets"].post.requestBody.content["application/json"].schema.items.$ref: $ref "#/components/schemas/Pet/properties/nope" points at no schema',
    ])
    expect(messages(doc(withBody(`{ $ref: 'http://example.com/schema.json' }`)))).toEqual([
      'routes/api.yaml: $.paths["/pets"].post.requestBody.content["application/json"].schema.$ref: $ref must name a model (#/components/schemas/Name) or a place in this schema (#/definitions/x), not "http://example.com/schema.json"',
    ])
  })

  it('accepts AWS’s own model URLs in $ref, and pointers into a model’s definitions', () => {
    const { table, errors } = compile(
      doc(
        withBody(`{ $ref: '#/components/schemas/List' }`),
        '',
        `    List: { type: array, items: { anyOf: [{ $ref: 'https://apigateway.amazonaws.com/restapis/abc123/models/Pet' }, { $ref: '#/components/schemas/Shapes' }] } }
    Shapes: { definitions: { round: { type: object } }, $ref: '#/definitions/round' }`,
      ),
    )
    expect(errors).toEqual([])
    expect(Object.keys(table.apis[0].models ?? {}).sort()).toEqual(['List', 'Pet', 'Shapes', 'Tags'])
  })

  it('ignores validators on HTTP APIs, which have none on AWS', () => {
    const { table, errors, warnings } = compile(doc(withBody(`{ $ref: '#/components/schemas/Pet' }`), 'x-gateway: { protocolType: HTTP }'))
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([
      'routes/api.yaml: $["x-amazon-apigateway-request-validators"]: HTTP APIs have no request validation (as on AWS): validators are ignored',
    ])
    expect(table.apis[0].resources[0].methods.POST.validation).toBeUndefined()
  })

  it('warns about a required path parameter the resource path does not have', () => {
    const { errors, warnings } = compile(
      doc(`  /pets/{id}:
    get:
      x-amazon-apigateway-request-validator: all
      parameters: [{ name: id, in: path, required: true }, { name: issuer, in: path, required: true }]
${mock}`),
    )
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([
      'routes/api.yaml: $.paths["/pets/{id}"].get.parameters: required path parameter "issuer" is not in the resource path /pets/{id}: its validator refuses every request, as AWS does',
    ])
  })
})
