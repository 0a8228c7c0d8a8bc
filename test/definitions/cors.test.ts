import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (cors: string, protocol = 'HTTP') =>
  compileDefinitions([
    {
      file: 'routes/api.yaml',
      text: `openapi: 3.0.1
x-gateway: { protocolType: ${protocol} }
x-amazon-apigateway-cors: ${cors}
paths:
  /items:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: 'http://127.0.0.1:1/items' }
`,
    },
  ])

describe('x-amazon-apigateway-cors in definitions', () => {
  it('compiles the configuration onto the HTTP API, with unset lists empty', () => {
    const { table, errors } = compile(`{ allowOrigins: ['https://app.example.com'], allowMethods: [GET, PUT], maxAge: 600 }`)
    expect(errors).toEqual([])
    expect(table.apis[0].cors).toEqual({
      allowOrigins: ['https://app.example.com'],
      allowMethods: ['GET', 'PUT'],
      allowHeaders: [],
      exposeHeaders: [],
      maxAge: 600,
      allowCredentials: false,
    })
  })

  it('refuses allowCredentials with the origin *, naming the file and JSON path', () => {
    const { table, errors } = compile(`{ allowOrigins: ['*'], allowCredentials: true }`)
    expect(errors.map(formatError)).toEqual([
      'routes/api.yaml: $["x-amazon-apigateway-cors"].allowCredentials: allowCredentials cannot be true while allowOrigins contains "*" (AWS refuses it, and browsers send no credentials to a wildcard origin): list the origins instead',
    ])
    expect(table.apis[0].cors).toBeUndefined()
  })

  it('refuses values of the wrong type and a maxAge outside -1..86400', () => {
    const { errors } = compile(`{ allowOrigins: 'https://app.example.com', maxAge: 90000 }`)
    expect(errors.map((e) => e.path)).toEqual([
      ['x-amazon-apigateway-cors', 'allowOrigins'],
      ['x-amazon-apigateway-cors', 'maxAge'],
    ])
  })

  it('warns about an origin no browser sends (a path or trailing slash)', () => {
    const { errors, warnings } = compile(`{ allowOrigins: ['https://app.example.com/', 'https://ok.example.com'] }`)
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([
      'routes/api.yaml: $["x-amazon-apigateway-cors"].allowOrigins[0]: "https://app.example.com/" is not an origin (scheme://host[:port], no path or trailing slash), so no browser request matches it',
    ])
  })

  it('ignores the extension on a REST API, with a warning', () => {
    const { table, warnings } = compile(`{ allowOrigins: ['*'] }`, 'REST')
    expect(table.apis[0].cors).toBeUndefined()
    expect(warnings.map((w) => w.path)).toEqual([['x-amazon-apigateway-cors']])
  })
})
