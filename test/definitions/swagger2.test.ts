import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

/**
 * Swagger 2.0, AWS's default export, side by side with its OpenAPI 3.0 twin (the shape of AWS's
 * PetStore sample: models that $ref each other, a validated body, a Lambda authorizer, an API key,
 * response headers): both compile to the same route table, so every request gets the same answer.
 */

const fn = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations'
const integration = (status: string) => `      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: http://petstore.example.com/petstore/pets
        responses: { default: { statusCode: '${status}', responseParameters: { method.response.header.Access-Control-Allow-Origin: "'*'" } } }`

const swagger = `swagger: '2.0'
info: { title: PetStore, version: '1' }
host: abc123.execute-api.us-east-1.amazonaws.com
basePath: /test
schemes: [https]
consumes: [application/json]
produces: [application/json]
x-amazon-apigateway-request-validators: { body: { validateRequestBody: true, validateRequestParameters: true } }
securityDefinitions:
  api_key: { type: apiKey, name: x-api-key, in: header }
  petsAuth:
    type: apiKey
    name: Authorization
    in: header
    x-amazon-apigateway-authtype: custom
    x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn}', authorizerResultTtlInSeconds: 0 }
paths:
  /pets:
    post:
      security: [{ petsAuth: [] }, { api_key: [] }]
      x-amazon-apigateway-request-validator: body
      parameters:
        - { name: type, in: query, required: true, type: string }
        - { name: NewPet, in: body, required: true, schema: { $ref: '#/definitions/NewPet' } }
      responses:
        '200': { description: ok, schema: { $ref: '#/definitions/NewPetResponse' }, headers: { Access-Control-Allow-Origin: { type: string } } }
${integration('200')}
  /pets/{petId}:
    get:
      parameters: [{ name: petId, in: path, required: true, type: string }]
      responses: { '200': { description: ok, schema: { $ref: '#/definitions/Pet' } } }
${integration('200')}
definitions:
  NewPet:
    type: object
    properties: { type: { $ref: '#/definitions/PetType' }, price: { type: number } }
    required: [type]
  PetType: { type: string, enum: [dog, cat, fish] }
  Pet: { type: object, properties: { id: { type: integer }, type: { type: string } } }
  NewPetResponse: { type: object, properties: { pet: { $ref: '#/definitions/Pet' }, message: { type: string } } }
`

const openApi = `openapi: 3.0.1
info: { title: PetStore, version: '1' }
servers: [{ url: 'https://abc123.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: test } } }]
x-amazon-apigateway-request-validators: { body: { validateRequestBody: true, validateRequestParameters: true } }
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    petsAuth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer: { type: token, authorizerUri: '${fn}', authorizerResultTtlInSeconds: 0 }
  schemas:
    NewPet:
      type: object
      properties: { type: { $ref: '#/components/schemas/PetType' }, price: { type: number } }
      required: [type]
    PetType: { type: string, enum: [dog, cat, fish] }
    Pet: { type: object, properties: { id: { type: integer }, type: { type: string } } }
    NewPetResponse: { type: object, properties: { pet: { $ref: '#/components/schemas/Pet' }, message: { type: string } } }
paths:
  /pets:
    post:
      security: [{ petsAuth: [] }, { api_key: [] }]
      x-amazon-apigateway-request-validator: body
      parameters: [{ name: type, in: query, required: true, schema: { type: string } }]
      requestBody: { required: true, content: { application/json: { schema: { $ref: '#/components/schemas/NewPet' } } } }
      responses:
        '200': { description: ok, headers: { Access-Control-Allow-Origin: { schema: { type: string } } }, content: { application/json: { schema: { $ref: '#/components/schemas/NewPetResponse' } } } }
${integration('200')}
  /pets/{petId}:
    get:
      parameters: [{ name: petId, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } } }
${integration('200')}
`

const compile = (file: string, text: string) => compileDefinitions([{ file, text }])
const messages = (text: string) => compile('routes/api.yaml', text).errors.map(formatError)

describe('Swagger 2.0 definitions', () => {
  it('compile to the same route table as their OpenAPI 3.0 twin', () => {
    const fromSwagger = compile('routes/petstore.yaml', swagger)
    const fromOpenApi = compile('routes/petstore.yaml', openApi)
    expect(fromSwagger.errors).toEqual([])
    expect(fromOpenApi.errors).toEqual([])
    expect(fromSwagger.table).toEqual(fromOpenApi.table)
    // The twin is not trivially equal: the parts a conversion could lose are there.
    const api = fromSwagger.table.apis[0]
    expect(Object.keys(api.stages)).toEqual(['test'])
    expect(Object.keys(api.models ?? {}).sort()).toEqual(['NewPet', 'PetType'])
    expect(api.resources.find((r) => r.path === '/pets')!.methods.POST).toMatchObject({ apiKeyRequired: true, authorizer: { name: 'petsAuth' } })
  })

  it('reports errors against the file as written: definitions, securityDefinitions, the body parameter', () => {
    const broken = swagger
      .replace("schema: { $ref: '#/definitions/NewPet' }", "schema: { $ref: '#/definitions/Nope' }")
      .replace("authorizerResultTtlInSeconds: 0 }", "authorizerResultTtlInSeconds: -1 }")
    expect(messages(broken)).toEqual([
      expect.stringMatching(/^routes\/api\.yaml: \$\.securityDefinitions\.petsAuth\["x-amazon-apigateway-authorizer"\]\.authorizerResultTtlInSeconds: /),
      'routes/api.yaml: $.paths["/pets"].post.parameters[1].schema.$ref: $ref to a missing model "Nope" (no components.schemas["Nope"])',
    ])
  })

  it.each([
    ['Swagger 1.2', "swaggerVersion: '1.2'\napis: []\n", 'routes/api.yaml: $.swaggerVersion: Swagger 1.2 is not supported: convert the file to Swagger 2.0 or OpenAPI 3.0 (API Gateway imports those two)'],
    ['OpenAPI 3.1', 'openapi: 3.1.0\npaths: {}\n', 'routes/api.yaml: $.openapi: OpenAPI 3.1.0 is not supported: API Gateway imports OpenAPI 3.0.x and Swagger 2.0; write openapi: 3.0.1'],
    ['a file that is both', "swagger: '2.0'\nopenapi: 3.0.1\npaths: {}\n", 'routes/api.yaml: $.swagger: a file is Swagger 2.0 (swagger) or OpenAPI 3.0 (openapi), not both: remove one'],
    [
      'a formData parameter',
      "swagger: '2.0'\npaths:\n  /f:\n    post:\n      parameters: [{ name: a, in: formData, type: string }]\n      x-amazon-apigateway-integration: { type: mock }\n",
      'routes/api.yaml: $.paths["/f"].post.parameters[0].in: formData parameters are not imported by API Gateway; send the form as a body (in: body) and map it in a template',
    ],
  ])('refuses %s with one error, loading nothing', (_, text, message) => {
    const { table, errors } = compile('routes/api.yaml', text)
    expect(errors.map(formatError)).toEqual([message])
    expect(table.apis).toEqual([])
  })
})
