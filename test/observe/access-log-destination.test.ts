import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const definition = (settings: string) => `openapi: 3.0.1
info: { title: logged, version: '1' }
x-gateway:
  apiId: logged
  stages:
    prod:
      accessLogSettings: ${settings}
paths:
  /pets:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
`

const errorsOf = (settings: string) => compileDefinitions([{ file: 'routes/logged.yaml', text: definition(settings) }]).errors.map(formatError)
const at = 'routes/logged.yaml: $["x-gateway"].stages.prod.accessLogSettings.destinationUrl'

describe('validate checks an access-log destinationUrl', () => {
  it('accepts an http or https URL beside a format', () => {
    expect(errorsOf(`{ format: '$context.requestId', destinationUrl: 'http://127.0.0.1:9880/logs' }`)).toEqual([])
    expect(errorsOf(`{ format: '$context.requestId', destinationUrl: 'https://logs.example.com/ingest?token=abc' }`)).toEqual([])
  })

  it('refuses a URL that is not http(s), with file, JSON path and reason', () => {
    expect(errorsOf(`{ format: '$context.requestId', destinationUrl: 'arn:aws:logs:us-east-1:123456789012:log-group:x' }`)).toEqual([
      `${at}: must be an http:// or https:// URL, not "arn:aws:logs:us-east-1:123456789012:log-group:x"`,
    ])
    expect(errorsOf(`{ format: '$context.requestId', destinationUrl: 'http://' }`)).toEqual([`${at}: must be an http:// or https:// URL, not "http://"`])
  })

  it('refuses a destination without a format to write the lines in', () => {
    expect(errorsOf(`{ destinationUrl: 'http://127.0.0.1:9880/logs' }`)).toEqual([`${at}: needs accessLogSettings.format: the lines sent are written in it`])
  })
})
