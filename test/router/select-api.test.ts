import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createApiSelector } from '../../src/router/select-api'

const doc = (x: string) => `openapi: 3.0.1
x-gateway: ${x}
paths:
  /a:
    get:
      x-amazon-apigateway-integration: { type: mock }`

const table = compileOrThrow([
  { file: 'routes/a-main.yaml', text: doc('{ stages: { dev: {}, prod: {} } }') },
  { file: 'routes/b-store.yaml', text: doc('{ basePath: /store, stages: { v1: {} } }') },
  { file: 'routes/c-root.yaml', text: doc('{ apiId: rooted }') },
])
const select = createApiSelector(table)
const pick = (host: string, path: string) => {
  const t = select(host, path)
  return t && { api: t.api.id, stage: t.stage?.name, resourcePath: t.resourcePath }
}

describe('API and stage selection', () => {
  it('takes the stage from the first path segment', () => {
    expect(pick('gw.example', '/dev/a')).toEqual({ api: 'a-main', stage: 'dev', resourcePath: '/a' })
    expect(pick('gw.example', '/prod')).toEqual({ api: 'a-main', stage: 'prod', resourcePath: '/' })
  })

  it('collapses a leading // before the stage', () => {
    expect(pick('gw.example', '//dev/a')).toMatchObject({ stage: 'dev', resourcePath: '/a' })
  })

  it('has no stage for an unknown stage name', () => {
    expect(pick('gw.example', '/staging/a')).toEqual({ api: 'a-main', stage: undefined, resourcePath: '/staging/a' })
  })

  it('finds no stage in names an object inherits (constructor, __proto__, toString)', () => {
    for (const name of ['constructor', '__proto__', 'toString']) expect(pick('gw.example', `/${name}/a`)).toMatchObject({ stage: undefined })
  })

  it('picks the API named by an execute-api host', () => {
    expect(pick('rooted.execute-api.localhost', '/a')).toEqual({ api: 'rooted', stage: '$default', resourcePath: '/a' })
    expect(pick('b-store.execute-api.us-east-1.amazonaws.com', '/v1/a')).toMatchObject({ api: 'b-store', stage: 'v1' })
  })

  it('picks the API by its base path', () => {
    expect(pick('gw.example', '/store/v1/a')).toEqual({ api: 'b-store', stage: 'v1', resourcePath: '/a' })
    expect(pick('gw.example', '/storefront/a')).toMatchObject({ api: 'a-main' })
  })
})
