import { env } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import type { Env } from '../../src/env'

const KEY = 'dev-key-0123456789abcdef'
const LIMITED = 'limited-key-0123456789abcdef'
const OFF = 'off-key-0123456789abcdef0'
const ELSEWHERE = 'other-key-0123456789abcdef'

const definition = `openapi: 3.0.1
components:
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
x-gateway:
  stages:
    dev: { rateLimitHeaders: true }
    prod: {}
  usagePlans:
    - name: basic
      apiStages: [{ stage: dev }]
      throttle: { rateLimit: 1, burstLimit: 100 }
    - name: tiny
      apiStages: [{ stage: dev, throttle: { /items/GET: { rateLimit: 0.001, burstLimit: 2 } } }]
      quota: { limit: 3, period: DAY }
    - name: prod-only
      apiStages: [{ stage: prod }]
  apiKeys:
    - { name: dev, value: ${KEY}, usagePlans: [basic] }
    - { name: limited, value: ${LIMITED}, usagePlans: [tiny] }
    - { name: off, value: ${OFF}, enabled: false, usagePlans: [basic] }
    - { name: elsewhere, value: ${ELSEWHERE}, usagePlans: [prod-only] }
paths:
  /items:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates: { application/json: '{"key": "$context.identity.apiKey", "keyId": "$context.identity.apiKeyId"}' }
  /open:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
`
const table = compileOrThrow([{ file: 'routes/shop.yaml', text: definition }])
const handle = createPipeline(table)
const get = (path: string, key?: string) => handle(new Request(`http://gw${path}`, { headers: key ? { 'x-api-key': key } : {} }), env as Env)

describe('API keys', () => {
  it('admits a valid key on a plan for the stage and exposes it in $context.identity', async () => {
    const res = await get('/dev/items', KEY)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ key: KEY, keyId: table.apiKeys[0].id })
  })

  it.each([
    ['a missing key', undefined],
    ['an unknown key', 'nobody-knows-this-key-at-all'],
    ['a disabled key', OFF],
    ['a key on no plan for this stage', ELSEWHERE],
  ])('refuses %s with 403 Forbidden', async (_, key) => {
    const res = await get('/dev/items', key)
    expect(res.status).toBe(403)
    expect(res.headers.get('x-amzn-ErrorType')).toBe('ForbiddenException')
    expect(await res.json()).toEqual({ message: 'Forbidden' })
  })

  it('does not ask for a key on methods that do not require one', async () => {
    expect((await get('/dev/open')).status).toBe(200)
  })

  it("throttles past the plan method's burst with 429 Too Many Requests, before the quota is used", async () => {
    // Plan "tiny": method burst 2 (refill ~never), quota 3 a day: the third request finds the bucket empty.
    expect((await get('/dev/items', LIMITED)).status).toBe(200)
    const second = await get('/dev/items', LIMITED)
    expect(second.status).toBe(200)
    expect(second.headers.get('ratelimit-limit')).toBe('3')
    expect(second.headers.get('ratelimit-remaining')).toBe('1')
    const third = await get('/dev/items', LIMITED)
    expect(third.status).toBe(429)
    expect(third.headers.get('x-amzn-ErrorType')).toBe('TooManyRequestsException')
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await third.json()).toEqual({ message: 'Too Many Requests' })
    // Refused by the throttle, so not counted: one of the three still left.
    expect(third.headers.get('ratelimit-remaining')).toBe('1')
  })
})

describe('quotas', () => {
  it('answers 429 Limit Exceeded once the period quota is used', async () => {
    const t = compileOrThrow([
      {
        file: 'routes/q.yaml',
        text: `openapi: 3.0.1
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  apiId: quota-api
  stages: { v1: {} }
  usagePlans: [{ name: q2, apiStages: [{ stage: v1 }], quota: { limit: 2, period: MONTH } }]
  apiKeys: [{ name: qk, value: quota-key-0123456789abcdef, usagePlans: [q2] }]
paths:
  /x:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
`,
      },
    ])
    const h = createPipeline(t)
    const call = () => h(new Request('http://gw/v1/x', { headers: { 'x-api-key': 'quota-key-0123456789abcdef' } }), env as Env)
    expect((await call()).status).toBe(200)
    expect((await call()).status).toBe(200)
    const over = await call()
    expect(over.status).toBe(429)
    expect(over.headers.get('x-amzn-ErrorType')).toBe('LimitExceededException')
    expect(await over.json()).toEqual({ message: 'Limit Exceeded' })
  })
})

describe('throttlingFailOpen when the key objects cannot answer', () => {
  const failOpen = createPipeline(compileOrThrow([{ file: 'routes/shop.yaml', text: definition.replace('dev: { rateLimitHeaders: true }', 'dev: { throttlingFailOpen: true }') }]))
  // A real object that cannot answer: API_KEYS bound to a class without admitTerms().
  const broken = { ...(env as Env), API_KEYS: (env as Env).CONNECTIONS as unknown as Env['API_KEYS'] }
  const call = (key: string) => failOpen(new Request('http://gw/dev/items', { headers: { 'x-api-key': key } }), broken)

  it('serves a key defined in routes/ on a plan for the stage, unthrottled, with its identity', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    for (let i = 0; i < 3; i++) {
      const res = await call(KEY)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ key: KEY, keyId: table.apiKeys.find((k) => k.name === 'dev')!.id })
    }
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/failing open/)
    errors.mockRestore()
  })

  it('refuses any other value with 500: a guess, a disabled key, a key of another stage\'s plan', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    for (const key of ['guessed-0123456789abcdefgh', OFF, ELSEWHERE]) {
      const res = await call(key)
      expect(res.status, key).toBe(500)
      expect(await res.json()).toEqual({ message: 'Internal server error' })
    }
    errors.mockRestore()
  })
})
