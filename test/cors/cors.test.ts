import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'

const app = 'http://127.0.0.1:5173'

/** An HTTP API whose mock integration answers with CORS headers of its own, which must not get through. */
const gateway = (cors?: string) =>
  createPipeline(
    compileOrThrow([
      {
        file: 'routes/h.yaml',
        text: `openapi: 3.0.1
x-gateway: { protocolType: HTTP }
${cors ? `x-amazon-apigateway-cors: ${cors}` : ''}
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
paths:
  /items:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "'https://backend.example'"
              method.response.header.Access-Control-Max-Age: "'5'"
            responseTemplates: { application/json: '{"items": []}' }
  /locked:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200' } }
`,
      },
    ]),
  )

const preflight = (path: string, headers: Record<string, string>) => new Request(`http://gw${path}`, { method: 'OPTIONS', headers })

describe('HTTP API CORS: preflight', () => {
  const handle = gateway(`{ allowOrigins: ['${app}'], allowMethods: [GET, PUT], allowHeaders: [x-trace, content-type], maxAge: 300, allowCredentials: true }`)

  it('answers 204 with the configured headers, echoing the allowed origin', async () => {
    const res = await handle(preflight('/items', { origin: app, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'X-Trace,content-type' }))
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,PUT')
    expect(res.headers.get('access-control-allow-headers')).toBe('x-trace,content-type')
    expect(res.headers.get('access-control-max-age')).toBe('300')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
  })

  it('answers on paths with no route and on routes that need an API key, since no method request runs', async () => {
    for (const path of ['/nowhere', '/locked']) {
      const res = await handle(preflight(path, { origin: app, 'access-control-request-method': 'GET' }))
      expect(res.status).toBe(204)
      expect(res.headers.get('access-control-allow-origin')).toBe(app)
    }
  })

  it('sends no CORS headers for an origin, method or header that is not configured', async () => {
    const denied: Record<string, string>[] = [
      { origin: 'http://127.0.0.1:9999', 'access-control-request-method': 'PUT' },
      { origin: app, 'access-control-request-method': 'DELETE' },
      { origin: app, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-trace,x-other' },
    ]
    for (const headers of denied) {
      const res = await handle(preflight('/items', headers))
      expect(res.status).toBe(204)
      expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([])
    }
  })

  it('lets GET, HEAD and POST through whatever allowMethods lists, as browsers do', async () => {
    const res = await handle(preflight('/items', { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-trace' }))
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
  })

  it('routes an OPTIONS request without Access-Control-Request-Method like any other (no OPTIONS route: 404)', async () => {
    const res = await handle(preflight('/items', { origin: app }))
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ message: 'Not Found' })
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
  })
})

describe('HTTP API CORS: other responses', () => {
  const handle = gateway(`{ allowOrigins: ['${app}'], allowMethods: [GET], exposeHeaders: [x-request-id, x-total], allowCredentials: true }`)

  it("replaces the integration's CORS headers with the configured ones", async () => {
    const res = await handle(new Request('http://gw/items', { headers: { origin: app } }))
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id,x-total')
    expect(res.headers.get('access-control-max-age')).toBeNull()
  })

  it('strips the integration’s CORS headers for an origin that is not allowed, and adds none', async () => {
    const res = await handle(new Request('http://gw/items', { headers: { origin: 'http://localhost:5173' } }))
    expect(res.status).toBe(200)
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([])
  })

  it('puts the configured headers on gateway errors: 403 for a missing API key, 404 for no route', async () => {
    const forbidden = await handle(new Request('http://gw/locked', { headers: { origin: app } }))
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get('access-control-allow-origin')).toBe(app)
    expect(forbidden.headers.get('access-control-allow-credentials')).toBe('true')
    const missing = await handle(new Request('http://gw/nowhere', { headers: { origin: app } }))
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe(app)
  })

  it('adds nothing to a request without Origin', async () => {
    const res = await handle(new Request('http://gw/items'))
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([])
  })
})

describe('HTTP API CORS: the origin *', () => {
  const handle = gateway(`{ allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] }`)

  it('answers any origin with *, and sends the method and header wildcards as configured', async () => {
    const res = await handle(preflight('/items', { origin: 'http://localhost:1', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'x-anything' }))
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-methods')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toBe('*')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    const get = await handle(new Request('http://gw/items', { headers: { origin: 'http://localhost:1' } }))
    expect(get.headers.get('access-control-allow-origin')).toBe('*')
  })
})

describe('HTTP APIs without CORS configured', () => {
  it("pass the integration's CORS headers on untouched", async () => {
    const res = await gateway()(new Request('http://gw/items', { headers: { origin: app } }))
    expect(res.headers.get('access-control-allow-origin')).toBe('https://backend.example')
    expect(res.headers.get('access-control-max-age')).toBe('5')
  })
})

describe('REST APIs', () => {
  it('keep answering OPTIONS through routing: x-amazon-apigateway-cors is not theirs', async () => {
    const handle = createPipeline(
      compileOrThrow([
        {
          file: 'routes/r.yaml',
          text: `openapi: 3.0.1
x-amazon-apigateway-cors: { allowOrigins: ['*'] }
paths:
  /items:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
`,
        },
      ]),
    )
    const res = await handle(preflight('/items', { origin: app, 'access-control-request-method': 'GET' }))
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })
})
