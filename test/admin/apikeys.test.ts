import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createGateway } from '../../src/app'
import type { Env } from '../../src/env'

const TOKEN = 'admin-secret-for-tests'
const table = compileOrThrow([
  {
    file: 'routes/shop.yaml',
    text: `openapi: 3.0.1
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway:
  stages: { dev: {} }
  usagePlans:
    - { name: gold, apiStages: [{ stage: dev }], quota: { limit: 10, period: DAY } }
  apiKeys:
    - { name: partner, valueFrom: PARTNER_KEY, usagePlans: [gold] }
paths:
  /items:
    get:
      security: [{ api_key: [] }]
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
`,
  },
])
const app = createGateway(table)
const testEnv = { ...(env as Env), GATEWAY_ADMIN_TOKEN: TOKEN, PARTNER_KEY: 'partner-key-from-the-environment' } as Env
const admin = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
  app.fetch(
    new Request(`http://gw/_gateway/admin${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    }),
    testEnv,
  )
const items = (key?: string) => app.fetch(new Request('http://gw/dev/items', { headers: key ? { 'x-api-key': key } : {} }), testEnv)

describe('admin API authentication', () => {
  it('answers 401 without a token and 403 with a wrong one', async () => {
    expect((await admin('GET', '/apikeys', undefined, null)).status).toBe(401)
    expect((await admin('GET', '/apikeys', undefined, 'wrong-token')).status).toBe(403)
    expect((await admin('GET', '/apikeys')).status).toBe(200)
  })

  it('is off (503) when no admin token is configured', async () => {
    const res = await app.fetch(new Request('http://gw/_gateway/admin/apikeys', { headers: { authorization: 'Bearer x' } }), env as Env)
    expect(res.status).toBe(503)
  })
})

describe('API keys at run time', () => {
  it('creates a key that works at once, and revokes it for the very next request', async () => {
    const created = await admin('POST', '/apikeys', { name: 'mobile', usagePlans: ['gold'] })
    expect(created.status).toBe(201)
    const key = (await created.json()) as { id: string; value: string; enabled: boolean; usagePlans: string[] }
    expect(key.id).toMatch(/^[a-z0-9]{10}$/)
    expect(key.value).toMatch(/^[A-Za-z0-9]{40}$/)
    expect(key).toMatchObject({ name: 'mobile', enabled: true, usagePlans: ['gold'] })

    expect((await items(key.value)).status).toBe(200)
    expect((await admin('PATCH', `/apikeys/${key.id}`, { enabled: false })).status).toBe(200)
    expect((await items(key.value)).status).toBe(403)
    expect((await admin('DELETE', `/apikeys/${key.id}`)).status).toBe(204)
    expect((await admin('GET', `/apikeys/${key.id}`)).status).toBe(404)
  })

  it('lists keys from the definitions and from the API, values only on request', async () => {
    const list = (await (await admin('GET', '/apikeys')).json()) as { items: { name: string; source: string; value?: string }[] }
    expect(list.items.find((k) => k.name === 'partner')).toMatchObject({ source: 'definition' })
    expect(list.items.every((k) => k.value === undefined)).toBe(true)
    const withValues = (await (await admin('GET', '/apikeys?includeValues=true')).json()) as { items: { name: string; value?: string }[] }
    expect(withValues.items.find((k) => k.name === 'partner')?.value).toBe('partner-key-from-the-environment')
  })

  it('disables a defined key (valueFrom) and reports its quota use', async () => {
    const partner = table.apiKeys[0]
    expect((await items('partner-key-from-the-environment')).status).toBe(200)
    const usage = await admin('GET', `/usageplans/gold/usage?keyId=${partner.id}`)
    expect(await usage.json()).toMatchObject({ usagePlanId: 'gold', keyId: partner.id, period: 'DAY', used: 1, remaining: 9, limit: 10 })
    expect((await admin('PATCH', `/apikeys/${partner.id}`, { enabled: false })).status).toBe(200)
    expect((await items('partner-key-from-the-environment')).status).toBe(403)
    expect((await admin('DELETE', `/apikeys/${partner.id}`)).status).toBe(409)
  })

  it.each([
    ['a body that is not JSON', 'not json', /not JSON/],
    ['a missing name', { usagePlans: ['gold'] }, /^name: /],
    ['a wrong type', { name: 'x', usagePlans: 'gold' }, /^usagePlans: /],
    ['an unknown plan', { name: 'x', usagePlans: ['platinum'] }, /unknown usage plan "platinum"/],
    ['a short value', { name: 'x', value: 'short', usagePlans: [] }, /^value: must be at least 20 characters/],
    ['an unknown field', { name: 'x', usagePlans: [], colour: 'red' }, /colour/],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_, body, message) => {
    const before = ((await (await admin('GET', '/apikeys')).json()) as { items: unknown[] }).items.length
    const res = await admin('POST', '/apikeys', body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toMatch(message)
    expect(((await (await admin('GET', '/apikeys')).json()) as { items: unknown[] }).items.length).toBe(before)
  })

  it('lists the usage plans', async () => {
    const plans = (await (await admin('GET', '/usageplans')).json()) as { items: { name: string }[] }
    expect(plans.items.map((p) => p.name)).toEqual(['gold'])
  })
})
