import { describe, expect, it } from 'vitest'
import { compileDefinitions } from '../../src/definitions/compile'
import { formatError } from '../../src/definitions/errors'

const compile = (methodSettings: string, file = 'routes/shards.yaml') =>
  compileDefinitions([
    {
      file,
      text: `openapi: 3.0.1
info: { title: t, version: '1' }
x-gateway:
  stages:
    live:
      methodSettings:
${methodSettings}
paths:
  /a: { get: { x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' } } } }
`,
    },
  ])

describe('stage throttles from methodSettings', () => {
  it('keeps throttlingShards with the limit it spreads, and leaves an unsharded limit as AWS has it', () => {
    const { table, errors } = compile(`        '*/*': { throttlingRateLimit: 100, throttlingBurstLimit: 50 }
        /a/GET: { throttlingRateLimit: 20000, throttlingBurstLimit: 5000, throttlingShards: 8 }`)
    expect(errors).toEqual([])
    expect(table.apis[0].stages.live.throttle).toEqual({
      '*/*': { rateLimit: 100, burstLimit: 50 },
      '/a/GET': { rateLimit: 20000, burstLimit: 5000, shards: 8 },
    })
  })

  it('refuses a shard count with no limit to spread, one a burst cannot fill, and one out of range, by file and path', () => {
    const errors = (entry: string) => compile(`        /a/GET: ${entry}`).errors.map(formatError)
    expect(errors('{ throttlingShards: 4 }')).toEqual([
      'routes/shards.yaml: $["x-gateway"].stages.live.methodSettings["/a/GET"].throttlingShards: spreads a limit over objects: set throttlingRateLimit or throttlingBurstLimit beside it',
    ])
    expect(errors('{ throttlingRateLimit: 10, throttlingBurstLimit: 3, throttlingShards: 4 }')).toEqual([
      'routes/shards.yaml: $["x-gateway"].stages.live.methodSettings["/a/GET"].throttlingShards: each shard needs at least one token of burst: throttlingBurstLimit (3) must be at least 4',
    ])
    expect(errors('{ throttlingRateLimit: 10, throttlingShards: 65 }')).toEqual(['routes/shards.yaml: $["x-gateway"].stages.live.methodSettings["/a/GET"].throttlingShards: must be at most 64'])
    expect(errors('{ throttlingRateLimit: 10, throttlingShards: 1.5 }')).toEqual(['routes/shards.yaml: $["x-gateway"].stages.live.methodSettings["/a/GET"].throttlingShards: must be a whole number'])
  })
})
