import { describe, expect, it } from 'vitest'
import { compileOrThrow } from '../../src/definitions/compile'
import { createPipeline } from '../../src/pipeline'
import { templateStats } from '../../src/vtl'

// A request template that reads the payload as JSON and as Java objects, loops, does arithmetic,
// interpolates strings and writes $context.responseOverride; the MOCK integration then picks the
// response by its statusCode, and the response template reads params, $context and stage variables.
const routes = `openapi: 3.0.1
x-gateway: { stages: { dev: { variables: { table: orders-dev } } } }
paths:
  /orders/{id}:
    post:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: |
            #set($items = $input.path('$.items'))
            #set($total = 0)
            #foreach($item in $items)
            #set($total = $total + $item.qty * $item.cents)
            #end
            #set($context.responseOverride.header.x-total = "$total")
            #set($context.responseOverride.header.x-first = "\${items[0].sku}@$context.stage")
            #if($items.size() > 0)
            {"statusCode": 200, "customer": $input.json('$.customer')}
            #else
            {"statusCode": 422}
            #end
        responses:
          default:
            statusCode: '200'
            responseTemplates:
              application/json: |
                #set($q = $input.params().querystring)
                {
                  "id": "$input.params('id')",
                  "requestId": "$context.requestId",
                  "table": "$stageVariables.table",
                  "tags": [#foreach($k in $q.keySet())"$k=$util.escapeJavaScript($q.get($k))"#if($foreach.hasNext), #end#end],
                  "where": "\${context.resourcePath} in $context.stage"
                }
`

function order(n: number) {
  const items = Array.from({ length: (n % 4) + 1 }, (_, i) => ({ sku: `S${n}-${i}`, qty: i + 1, cents: 100 * n + i }))
  return { customer: { id: `c${n}` }, items }
}

const send = (handle: ReturnType<typeof createPipeline>, n: number) =>
  handle(
    new Request(`http://gw/dev/orders/o${n}?color=red&n=${n}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order(n)),
    }),
  )

async function expectCorrect(res: Response, n: number) {
  const { items } = order(n)
  expect(res.status).toBe(200)
  expect(res.headers.get('x-total')).toBe(String(items.reduce((sum, item) => sum + item.qty * item.cents, 0)))
  expect(res.headers.get('x-first')).toBe(`S${n}-0@dev`)
  expect(await res.json()).toEqual({
    id: `o${n}`,
    requestId: res.headers.get('x-amzn-RequestId'),
    table: 'orders-dev',
    tags: ['color=red', `n=${n}`],
    where: '/orders/{id} in dev',
  })
}

describe('mapping templates on the request path', () => {
  it('are compiled when the pipeline is created: the first request and fifty more parse nothing', async () => {
    const table = compileOrThrow([{ file: 'routes/orders.yaml', text: routes }])
    const beforePipeline = templateStats.parses
    const handle = createPipeline(table)
    const compiled = templateStats.parses
    // Both templates, once each; it also shows the counter is the one the pipeline uses.
    expect(compiled - beforePipeline).toBe(2)

    for (let n = 1; n <= 51; n++) {
      await expectCorrect(await send(handle, n), n)
      expect(templateStats.parses, `request ${n} parsed a template`).toBe(compiled)
    }
  })

  it('are compiled once per pipeline, however many methods share one source', () => {
    const copy = routes.split('paths:\n')[1].replace('/orders/{id}:', '/orders/{id}/copy:')
    const table = compileOrThrow([{ file: 'routes/orders.yaml', text: routes + copy }])
    expect(table.apis[0].resources.filter((r) => Object.keys(r.methods).length > 0).map((r) => r.path)).toEqual(['/orders/{id}', '/orders/{id}/copy'])
    const before = templateStats.parses
    createPipeline(table)
    expect(templateStats.parses - before).toBe(2)
  })
})
