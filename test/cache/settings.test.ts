import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'
import { resolveMethodCache } from '../../src/cache/settings'

const mock = `
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200' } }`

const compile = (stage: string, paths?: string) =>
  compileDefinitions([
    {
      file: 'routes/pets.yaml',
      text: `openapi: 3.0.1
x-gateway:
  stages:
    dev:
${stage}
paths:
${
  paths ??
  `  /pets:
    get:${mock}
    post:${mock}
    x-amazon-apigateway-any-method:${mock}
  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true }]${mock}
        cacheKeyParameters: [method.request.path.id]`
}`,
    },
  ])

const methodOf = (table: ReturnType<typeof compile>['table'], path: string, verb: string) =>
  table.apis[0].resources.find((r) => r.path === path)!.methods[verb]

describe('cache settings', () => {
  it('caches GET methods only when the stage turns caching on for */*, with AWS defaults', () => {
    const { table, errors } = compile(`      cacheClusterEnabled: true
      methodSettings: { '*/*': { cachingEnabled: true } }`)
    expect(errors).toEqual([])
    const stage = table.apis[0].stages.dev
    expect(resolveMethodCache(stage, methodOf(table, '/pets', 'GET'))).toMatchObject({
      ttlSeconds: 300,
      requireAuthorization: true,
      strategy: 'SUCCEED_WITH_RESPONSE_HEADER',
      namespace: '/pets',
      maxEntryBytes: 1048576,
    })
    expect(resolveMethodCache(stage, methodOf(table, '/pets', 'POST'))).toBeUndefined()
    // ANY is cached for its GET requests only.
    expect(resolveMethodCache(stage, methodOf(table, '/pets', 'ANY'))?.getOnly).toBe(true)
  })

  it("caches another method only when its own key enables it, merging fields over */*", () => {
    const { table } = compile(`      cacheClusterEnabled: true
      methodSettings:
        '*/*': { cachingEnabled: true, cacheTtlInSeconds: 60, unauthorizedCacheControlHeaderStrategy: FAIL_WITH_403 }
        '/pets/POST': { cachingEnabled: true }
        '~1pets~1{id}/GET': { cacheTtlInSeconds: 5 }`)
    const stage = table.apis[0].stages.dev
    expect(resolveMethodCache(stage, methodOf(table, '/pets', 'POST'))).toMatchObject({ ttlSeconds: 60, strategy: 'FAIL_WITH_403', getOnly: false })
    // AWS's `~1` spelling names /pets/{id}; its TTL overrides, the rest comes from */*.
    expect(resolveMethodCache(stage, methodOf(table, '/pets/{id}', 'GET'))).toMatchObject({ ttlSeconds: 5, strategy: 'FAIL_WITH_403' })
  })

  it('caches nothing without cacheClusterEnabled, or with a TTL of 0', () => {
    const off = compile(`      methodSettings: { '*/*': { cachingEnabled: true } }`)
    expect(resolveMethodCache(off.table.apis[0].stages.dev, methodOf(off.table, '/pets', 'GET'))).toBeUndefined()
    expect(off.warnings.map(formatError)).toEqual([
      `routes/pets.yaml: $["x-gateway"].stages.dev.methodSettings["*/*"].cachingEnabled: has no effect: stage dev has no cache (set cacheClusterEnabled: true)`,
    ])
    const zero = compile(`      cacheClusterEnabled: true
      methodSettings: { '*/*': { cachingEnabled: true, cacheTtlInSeconds: 0 } }`)
    expect(resolveMethodCache(zero.table.apis[0].stages.dev, methodOf(zero.table, '/pets', 'GET'))).toBeUndefined()
  })

  it('refuses a TTL over 3600 or negative, an unknown strategy and a bad status code', () => {
    const { errors } = compile(`      cacheClusterEnabled: true
      cacheStatusCodes: ['2XX', '600']
      methodSettings:
        '*/*': { cachingEnabled: true, cacheTtlInSeconds: 3601 }
        '/pets/GET': { cacheTtlInSeconds: -1, unauthorizedCacheControlHeaderStrategy: FAIL_SILENTLY }`)
    expect(errors.map(formatError)).toEqual([
      'routes/pets.yaml: $["x-gateway"].stages.dev.methodSettings["*/*"].cacheTtlInSeconds: must be at most 3600 (one hour)',
      'routes/pets.yaml: $["x-gateway"].stages.dev.methodSettings["/pets/GET"].cacheTtlInSeconds: must not be negative',
      'routes/pets.yaml: $["x-gateway"].stages.dev.methodSettings["/pets/GET"].unauthorizedCacheControlHeaderStrategy: must be one of FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER, SUCCEED_WITHOUT_RESPONSE_HEADER',
      'routes/pets.yaml: $["x-gateway"].stages.dev.cacheStatusCodes[1]: must be a status code ("404") or a class ("2XX")',
    ])
  })

  it('refuses a cache key parameter that names no request parameter, and a key naming no method', () => {
    const { errors } = compile(
      `      cacheClusterEnabled: true
      methodSettings: { '/cats/GET': { cachingEnabled: true } }`,
      `  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true }, { name: X-Tenant, in: header }]${mock}
        cacheKeyParameters: [method.request.path.id, method.request.header.x-tenant, method.request.querystring.q, method.request.path.petId, context.requestId]`,
    )
    const at = 'routes/pets.yaml: $.paths["/pets/{id}"].get["x-amazon-apigateway-integration"].cacheKeyParameters'
    expect(errors.map(formatError)).toEqual([
      `${at}[2]: method.request.querystring.q names no request parameter of this method; declare it in parameters`,
      `${at}[3]: method.request.path.petId names no request parameter of this method; declare it in parameters`,
      `${at}[4]: "context.requestId" is not method.request.{querystring|header|path}.NAME`,
      'routes/pets.yaml: $["x-gateway"].stages.dev.methodSettings["/cats/GET"]: no method /cats/GET in this API',
    ])
  })

  it('warns that unlisted path parameters share one entry, as on AWS', () => {
    const { errors, warnings } = compile(
      `      cacheClusterEnabled: true
      methodSettings: { '*/*': { cachingEnabled: true } }`,
      `  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true }]${mock}`,
    )
    expect(errors).toEqual([])
    expect(warnings.map(formatError)).toEqual([
      'routes/pets.yaml: $.paths["/pets/{id}"].get["x-amazon-apigateway-integration"].cacheKeyParameters: caching is on (stage dev) but method.request.path.id is not a cache key parameter: /pets/1 and /pets/2 share one cache entry, as on AWS',
    ])
  })
})
