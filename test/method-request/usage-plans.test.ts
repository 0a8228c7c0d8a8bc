import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import type { Env } from '../../src/env'

const KEY = 'per-method-key-0123456789abcdef'
const mock = `security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }`

const table = compileOrThrow([
  {
    file: 'routes/metered.yaml',
    text: `openapi: 3.0.1
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  apiId: per-method
  stages: { v1: {}, v2: {} }
  usagePlans:
    - name: mixed
      apiStages:
        - { stage: v1, throttle: { /a/GET: { rateLimit: 0.001, burstLimit: 1 }, /b/GET: { rateLimit: 0.001, burstLimit: 100 } } }
        - { stage: v2, throttle: { /a/GET: { rateLimit: 0.001, burstLimit: 1 } } }
  apiKeys: [{ name: mixed-key, value: ${KEY}, usagePlans: [mixed] }]
paths:
  /a:
    get:
      ${mock}
  /b:
    get:
      ${mock}
`,
  },
])
const handle = createPipeline(table)
const get = async (path: string) => (await handle(new Request(`http://gw${path}`, { headers: { 'x-api-key': KEY } }), env as Env)).status

describe('per-method throttles of a usage plan', () => {
  it('give each method its own bucket at its own limit, per stage', async () => {
    // /a/GET: burst 1, next token in ~17 minutes.
    expect([await get('/v1/a'), await get('/v1/a')]).toEqual([200, 429])
    // /b/GET keeps its own burst of 100 (refills ~never too), untouched by /a's empty bucket.
    const b = []
    for (let i = 0; i < 20; i++) b.push(await get('/v1/b'))
    expect(b.every((s) => s === 200)).toBe(true)
    // /a/GET of the other stage in the plan has a bucket of its own too.
    expect([await get('/v2/a'), await get('/v2/a')]).toEqual([200, 429])
  })
})
