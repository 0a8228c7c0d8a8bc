import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createHttpRouteRouter } from '../../src/router/http-routes'

const route = (uri: string) => `
      x-amazon-apigateway-integration: { type: http_proxy, httpMethod: ANY, payloadFormatVersion: "1.0", uri: "${uri}" }`

const apiWith = (paths: string) =>
  compileOrThrow([{ file: 'routes/h.yaml', text: `openapi: "3.0.1"\nx-amazon-apigateway-importexport-version: "1.0"\npaths:\n${paths}` }]).apis[0]

// AWS's own example of the order: GET /pets/dog/1 > GET /pets/dog/{id} > GET /pets/{proxy+} > ANY /{proxy+} > $default.
const api = apiWith(`  /pets/dog/1:
    get:${route('https://b.example/1')}
  /pets/dog/{id}:
    get:${route('https://b.example/{id}')}
  /pets/{proxy+}:
    get:${route('https://b.example/{proxy}')}
  /{proxy+}:
    x-amazon-apigateway-any-method:${route('https://b.example/{proxy}')}
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true${route('https://b.example')}
`)
const router = createHttpRouteRouter(api.resources)
const keyOf = (method: string, path: string) => router.match(method, path)?.method.routeKey

describe('HTTP API route priority', () => {
  it('follows AWS documented order', () => {
    expect(keyOf('GET', '/pets/dog/1')).toBe('GET /pets/dog/1')
    expect(keyOf('GET', '/pets/dog/2')).toBe('GET /pets/dog/{id}')
    expect(keyOf('GET', '/pets/cat/2')).toBe('GET /pets/{proxy+}')
    expect(keyOf('POST', '/pets/dog/1')).toBe('ANY /{proxy+}')
    expect(keyOf('GET', '/')).toBe('$default')
  })

  it('hands the greedy route its path parameter and $default none', () => {
    expect(router.match('GET', '/pets/cat/2/3')?.pathParameters).toEqual({ proxy: 'cat/2/3' })
    expect(router.match('DELETE', '/')?.pathParameters).toEqual({})
  })

  it('never serves the /$default path as a literal route', () => {
    expect(keyOf('GET', '/$default')).toBe('ANY /{proxy+}')
    const bare = createHttpRouteRouter(apiWith(`  /$default:\n    x-amazon-apigateway-any-method:\n      isDefaultRoute: true${route('https://b.example')}\n`).resources)
    expect(bare.match('GET', '/$default')?.method.routeKey).toBe('$default')
    expect(bare.match('GET', '/$default')?.pathParameters).toEqual({})
  })

  it('finds nothing (404) without a $default route, or for a method AWS does not serve', () => {
    const noDefault = createHttpRouteRouter(apiWith(`  /pets:\n    get:${route('https://b.example')}\n`).resources)
    expect(noDefault.match('GET', '/cats')).toBeUndefined()
    expect(noDefault.match('POST', '/pets')).toBeUndefined()
    expect(router.match('TRACE', '/')).toBeUndefined()
    expect(router.match('get', '/pets/dog/1')).toBeUndefined()
  })
})
