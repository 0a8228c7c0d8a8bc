import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'

const gateway = (paths: string) =>
  createPipeline(compileOrThrow([{ file: 'routes/m.yaml', text: `openapi: 3.0.1\nx-gateway: { stages: { dev: { variables: { v: sv } } } }\npaths:\n${paths}` }]))

describe('mock integration', () => {
  const handle = gateway(`  /pets/{id}:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            #if($input.params('id') == "missing") {"statusCode": 404} #else {"statusCode": 200} #end
        responses:
          '4\\d{2}':
            statusCode: '404'
            responseParameters: { method.response.header.x-why: "'not found'" }
            responseTemplates: { application/json: '{"message": "no pet $input.params(''id'')"}' }
          default:
            statusCode: '200'
            responseParameters: { method.response.header.x-stage: context.stage, method.response.header.x-var: stageVariables.v }
            responseTemplates:
              application/json: '{"id": "$input.params(''id'')", "body": $input.body}'
              application/xml: '<pet id="$input.params(''id'')"/>'
  /override:
    post:
      x-amazon-apigateway-integration:
        type: mock
        passthroughBehavior: never
        requestTemplates:
          application/json: |
            #set($context.responseOverride.status = 202)
            #set($context.responseOverride.header.x-custom = "set")
            {"statusCode": 200}
        responses:
          default: { statusCode: '200' }
  /nodefault:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 500}' }
        responses:
          '200': { statusCode: '200' }`)

  it('selects the response by the request template statusCode and renders its template', async () => {
    const res = await handle(new Request('http://gw/dev/pets/7'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('x-stage')).toBe('dev')
    expect(res.headers.get('x-var')).toBe('sv')
    // MOCK gives the response template an empty body, which renders as {}.
    expect(await res.json()).toEqual({ id: '7', body: {} })
  })

  it('matches selection patterns as Java regexes against the status', async () => {
    const res = await handle(new Request('http://gw/dev/pets/missing'))
    expect(res.status).toBe(404)
    expect(res.headers.get('x-why')).toBe('not found')
    expect(await res.json()).toEqual({ message: 'no pet missing' })
  })

  it('chooses the response template by Accept', async () => {
    const res = await handle(new Request('http://gw/dev/pets/3', { headers: { accept: 'application/xml' } }))
    expect(res.headers.get('content-type')).toBe('application/xml')
    expect(await res.text()).toBe('<pet id="3"/>')
  })

  it('applies $context.responseOverride set in the request template, with no response template', async () => {
    const res = await handle(new Request('http://gw/dev/override', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }))
    expect(res.status).toBe(202)
    expect(res.headers.get('x-custom')).toBe('set')
    expect(await res.text()).toBe('')
  })

  it('answers 415 when passthrough is NEVER and no template matches the Content-Type', async () => {
    const res = await handle(new Request('http://gw/dev/override', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({ message: 'Unsupported Media Type' })
  })

  it('answers 500 when no integration response matches and there is no default', async () => {
    const res = await handle(new Request('http://gw/dev/nodefault'))
    expect(res.status).toBe(500)
    expect(res.headers.get('x-amzn-ErrorType')).toBe('InternalServerErrorException')
    expect(await res.json()).toEqual({ message: 'Internal server error' })
  })
})

describe('mapping templates that break limits', () => {
  const handle = gateway(`  /runaway:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '#foreach($i in [1..5000])x#end'
  /huge:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: '#set($s = "${'x'.repeat(100)}")${'#set($s = "$s$s")'.repeat(17)}$s'
  /fine:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"ok": true}' } } }`)

  it.each([['a #foreach past 1,000 iterations', '/dev/runaway'], ['output over 10 MB', '/dev/huge']])(
    'stops %s with a 500, and keeps serving',
    async (_, path) => {
      const res = await handle(new Request(`http://gw${path}`))
      expect(res.status).toBe(500)
      expect(await res.json()).toEqual({ message: 'Internal server error' })
      const next = await handle(new Request('http://gw/dev/fine'))
      expect(await next.json()).toEqual({ ok: true })
    },
  )
})

describe('HTTP APIs', () => {
  it('answer an unmatched route with 404 Not Found', async () => {
    const handle = createPipeline(
      compileOrThrow([{ file: 'routes/h.yaml', text: `openapi: 3.0.1\nx-gateway: { protocolType: HTTP }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: mock }` }]),
    )
    const res = await handle(new Request('http://gw/b'))
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ message: 'Not Found' })
  })
})
