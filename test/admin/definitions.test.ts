import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createGateway } from '../../src/app'
import type { Env } from '../../src/env'

const TOKEN = 'admin-secret-for-definitions'
const mock = `{ type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }`
const table = compileOrThrow([
  {
    file: 'routes/shop.yaml',
    text: `openapi: 3.0.1
info: { title: shop, version: '1' }
components: { securitySchemes: { api_key: { type: apiKey, name: x-api-key, in: header } } }
x-gateway: { apiId: shop, stages: { dev: {}, prod: {} } }
paths:
  /items:
    get: { x-amazon-apigateway-integration: ${mock} }
    post: { security: [{ api_key: [] }], x-amazon-apigateway-integration: { type: http_proxy, httpMethod: POST, uri: 'http://user:secret@127.0.0.1:1/items' } }
`,
  },
  {
    file: 'routes/chat.yaml',
    text: `x-gateway:
  apiId: chat
  name: chat
  protocolType: WEBSOCKET
  basePath: /chat
  routeSelectionExpression: $request.body.action
  stages: { live: {} }
  routes:
    $default: { integration: { integrationType: MOCK } }
`,
  },
])
const app = createGateway(table)
const testEnv = { ...(env as Env), GATEWAY_ADMIN_TOKEN: TOKEN } as Env
const get = (path: string, token?: string) => app.fetch(new Request(`http://gw${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }), testEnv)

describe('GET /_gateway/admin/apis', () => {
  it('lists every API with its stages and routes, and no backend URI', async () => {
    const res = await get('/_gateway/admin/apis', TOKEN)
    expect(res.status).toBe(200)
    const { items } = (await res.json()) as { items: unknown[] }
    expect(items).toEqual([
      {
        id: 'shop',
        name: 'shop',
        protocol: 'REST',
        file: 'routes/shop.yaml',
        stages: ['dev', 'prod'],
        routes: [
          { method: 'GET', resource: '/items', integration: 'mock', apiKeyRequired: false },
          { method: 'POST', resource: '/items', integration: 'http_proxy', apiKeyRequired: true },
        ],
      },
      { id: 'chat', name: 'chat', protocol: 'WEBSOCKET', file: 'routes/chat.yaml', basePath: 'chat', stages: ['live'], routes: [{ routeKey: '$default', integration: 'mock', apiKeyRequired: false }] },
    ])
    expect(JSON.stringify(items)).not.toContain('secret')
  })

  it('answers 401 without the admin token and 403 with a wrong one', async () => {
    const none = await get('/_gateway/admin/apis')
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ message: 'Unauthorized' })
    const wrong = await get('/_gateway/admin/apis', 'not-the-token')
    expect(wrong.status).toBe(403)
    expect(await wrong.json()).toEqual({ message: 'Forbidden' })
  })
})
