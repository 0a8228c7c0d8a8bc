import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'

/** A valid table, then one method's template and another's selection pattern broken, as a table from another build might hold them. */
function tableWithBrokenParts() {
  const table = compileOrThrow([
    {
      file: 'routes/b.yaml',
      text: `openapi: 3.0.1
x-gateway: { stages: { dev: {} } }
paths:
  /template:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
  /pattern:
    get:
      responses: { '200': { description: ok }, '404': { description: no } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { '4\\\\d{2}': { statusCode: '404' }, default: { statusCode: '200' } }
  /fine:
    get:
      x-amazon-apigateway-integration: { type: mock, requestTemplates: { application/json: '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } }
`,
    },
  ])
  const method = (path: string) => table.apis[0].resources.find((r) => r.path === path)!.methods.GET.integration
  method('/template').requestTemplates['application/json'] = '#if('
  method('/pattern').responses[0].selectionPattern = 'a{'
  return table
}

describe('an integration part that does not compile', () => {
  it('does not stop the pipeline: its method answers 500, the others serve', async () => {
    const handle = createPipeline(tableWithBrokenParts())
    for (const path of ['/template', '/pattern']) {
      const res = await handle(new Request(`http://gw/dev${path}`))
      expect(res.status, path).toBe(500)
      expect(await res.json()).toEqual({ message: 'Internal server error' })
    }
    expect((await handle(new Request('http://gw/dev/fine'))).status).toBe(200)
  })
})
