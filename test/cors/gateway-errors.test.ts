import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import type { Env } from '../../src/env'

const app = 'http://127.0.0.1:5173'
const mock = `x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }`

// An HTTP API whose stage throttles /limited to one request, and whose /broken integration answers with no matching response.
const handle = createPipeline(
  compileOrThrow([
    {
      file: 'routes/errors.yaml',
      text: `openapi: 3.0.1
x-gateway:
  apiId: cors-errors
  protocolType: HTTP
  stages:
    v1:
      methodSettings:
        /limited/GET: { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 }
x-amazon-apigateway-cors: { allowOrigins: ['${app}'], exposeHeaders: [retry-after], allowCredentials: true }
paths:
  /limited: { get: { ${mock} } }
  /broken:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 500}' }, responses: { '200': { statusCode: '200' } } }
`,
    },
  ]),
)
const get = (path: string) => handle(new Request(`http://gw/v1${path}`, { headers: { origin: app } }), env as Env)

describe('HTTP API CORS on errors the gateway makes', () => {
  it('429 Too Many Requests carries the configured headers', async () => {
    expect((await get('/limited')).status).toBe(200)
    const throttled = await get('/limited')
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('access-control-allow-origin')).toBe(app)
    expect(throttled.headers.get('access-control-allow-credentials')).toBe('true')
    expect(throttled.headers.get('access-control-expose-headers')).toBe('retry-after')
  })

  it('a 500 for an integration answer with no matching response carries them too', async () => {
    const res = await get('/broken')
    expect(res.status).toBe(500)
    expect(res.headers.get('access-control-allow-origin')).toBe(app)
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
  })
})
