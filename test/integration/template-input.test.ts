import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import { canonicalHeader } from '../../src/integration/template-input'

const handle = createPipeline(
  compileOrThrow([
    {
      file: 'routes/t.yaml',
      text: `openapi: 3.0.1
x-gateway: { stages: { dev: {} } }
paths:
  /headers:
    get:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: |
                #set($h = $input.params().header)
                {"get": "$h.get('x-custom')", "upper": "$h.get('X-CUSTOM')", "has": $h.containsKey('x-custom'), "prop": "$h.x-custom", "byName": "$input.params('X-CUSTOM')", "keys": "#foreach($k in $h.keySet())#if($k.startsWith('X-'))$k #end#end"}
`,
    },
  ]),
)

describe('$input.params().header in a template run by the pipeline', () => {
  it('finds the client header by any spelling, and lists it as clients usually write it', async () => {
    const res = await handle(new Request('http://gw/dev/headers', { headers: { 'X-cUSTOM': 'sent' } }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ get: 'sent', upper: 'sent', has: true, prop: 'sent', byName: 'sent', keys: 'X-Custom ' })
  })

  it('spells names as clients usually write them', () => {
    expect(['content-type', 'x-amzn-trace-id', 'accept', 'x-', 'a--b'].map(canonicalHeader)).toEqual(['Content-Type', 'X-Amzn-Trace-Id', 'Accept', 'X-', 'A--B'])
  })
})
