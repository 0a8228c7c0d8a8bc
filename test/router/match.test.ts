import { describe, expect, it } from 'vitest'
import { createResourceRouter } from '../../src/router/match'
import type { Method, Resource } from '../../src/definitions/table'

const method = (verb: string, path: string) => ({ httpMethod: verb, resourcePath: path }) as Method
const resource = (path: string, ...verbs: string[]): Resource => ({
  path,
  methods: Object.fromEntries(verbs.map((v) => [v, method(v, path)])),
})

const router = createResourceRouter([
  resource('/', 'GET'),
  resource('/pets', 'GET', 'POST'),
  resource('/pets/{petId}', 'GET'),
  resource('/pets/mine', 'GET'),
  resource('/pets/{petId}/toys/{toyId}', 'ANY'),
  resource('/files/{path+}', 'GET'),
  resource('/{proxy+}', 'OPTIONS', 'DELETE'),
])

const matched = (verb: string, path: string) => {
  const m = router.match(verb, path)
  return m && { resource: m.method.resourcePath, verb: m.method.httpMethod, params: m.pathParameters }
}

describe('resource matching', () => {
  it('prefers literal segments over {param}', () => {
    expect(matched('GET', '/pets/mine')).toEqual({ resource: '/pets/mine', verb: 'GET', params: {} })
    expect(matched('GET', '/pets/42')).toEqual({ resource: '/pets/{petId}', verb: 'GET', params: { petId: '42' } })
  })

  it('keeps path parameters in path order, whatever the backtracking', () => {
    const params = router.match('PATCH', '/pets/1/toys/2')!.pathParameters
    expect(Object.keys(params)).toEqual(['petId', 'toyId'])
    // A {param} branch that fails leaves nothing behind in the greedy match that follows.
    expect(matched('DELETE', '/pets/1/x')).toEqual({ resource: '/{proxy+}', verb: 'DELETE', params: { proxy: 'pets/1/x' } })
  })

  it('matches the root resource', () => {
    expect(matched('GET', '/')).toMatchObject({ resource: '/' })
  })

  it('uses ANY when the exact method is missing', () => {
    expect(matched('PATCH', '/pets/1/toys/2')).toEqual({ resource: '/pets/{petId}/toys/{toyId}', verb: 'ANY', params: { petId: '1', toyId: '2' } })
  })

  it('falls back to a greedy resource that has the method', () => {
    expect(matched('DELETE', '/pets/42')).toEqual({ resource: '/{proxy+}', verb: 'DELETE', params: { proxy: 'pets/42' } })
    expect(matched('OPTIONS', '/pets')).toMatchObject({ resource: '/{proxy+}' })
  })

  it('has no match (403 on AWS) for an unknown path or method', () => {
    expect(matched('PUT', '/pets')).toBeUndefined()
    expect(matched('GET', '/nothing/here')).toBeUndefined()
  })

  it("matches nothing for a method outside AWS's seven, not even through ANY", () => {
    for (const verb of ['TRACE', 'PROPFIND', 'MKCOL', 'PURGE', 'get', 'Patch', 'CONNECT', 'constructor', '__proto__']) {
      expect(matched(verb, '/pets/1/toys/2'), verb).toBeUndefined()
      expect(matched(verb, '/anything'), verb).toBeUndefined()
    }
    for (const verb of ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']) expect(matched(verb, '/pets/1/toys/2'), verb).toMatchObject({ verb: 'ANY' })
  })

  it('captures a greedy parameter as received, inner // kept, trailing / dropped', () => {
    expect(matched('GET', '/files/a//b%2Bc/')).toEqual({ resource: '/files/{path+}', verb: 'GET', params: { path: 'a//b%2Bc' } })
  })

  it('does not let a greedy parameter match nothing', () => {
    expect(matched('GET', '/files')).toBeUndefined()
    expect(matched('GET', '/files/')).toBeUndefined()
  })

  it('ignores empty segments when matching', () => {
    expect(matched('GET', '//pets//mine')).toMatchObject({ resource: '/pets/mine' })
  })

  it('keeps path parameters percent-encoded, as AWS passes them on', () => {
    expect(matched('GET', '/pets/a%20b')).toMatchObject({ params: { petId: 'a%20b' } })
  })

  it('keeps a parameter named __proto__ as a plain key', () => {
    const m = createResourceRouter([resource('/x/{__proto__}/{b}', 'GET')]).match('GET', '/x/1/2')!
    expect(Object.keys(m.pathParameters)).toEqual(['__proto__', 'b'])
    expect(Object.getOwnPropertyDescriptor(m.pathParameters, '__proto__')?.value).toBe('1')
    expect(JSON.stringify(m.pathParameters)).toBe('{"__proto__":"1","b":"2"}')
  })
})
