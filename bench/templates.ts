/**
 * `npm run bench:templates`: what a mapping template costs per request, in one process on this machine.
 *
 * Three ways to render the same ~15-line request template (`$input.json`, `$input.path`, `#foreach`,
 * `$context`, `$stageVariables`) over the same order payload, taking turns for several rounds:
 *   aws layer          `compileTemplate(src)` once (src/vtl), then `render(input)` per request
 *   parse per request  `compileTemplate(src).render(input)` per request
 *   bare velocityjs    `new Compile(parse(equivalent))` once, `render(plainObjects)` per request, where the
 *                      equivalent template reads the same data from plain objects and writes the same text
 * plus, for reading the ratio, bare velocityjs that also runs `JSON.parse(body)` per request, as any
 * gateway must before a template can read the payload. Prints a table and the ratios, and rewrites the
 * "## Mapping templates" section at the end of docs/benchmarks.md.
 *
 * @example
 *   npm run bench:templates
 *   BENCH_RENDERS=50000 BENCH_ROUNDS=7 npm run bench:templates
 */
import { readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, release } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Compile, parse } from 'velocityjs'
import { compileTemplate, type TemplateInput } from '../src/vtl'

const settings = {
  renders: Number(process.env.BENCH_RENDERS ?? 20_000),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  warmup: Number(process.env.BENCH_WARMUP_RENDERS ?? 5_000),
}
const BARS = { awsOverParse: 5, awsCostOverBare: 2 }
const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url))
const HEADING = '## Mapping templates'

const awsSource = `{
  "orderId": "$input.params('orderId')",
  "channel": "$input.params('X-Channel')",
  "currency": "$input.params('currency')",
  "requestId": "$context.requestId",
  "stage": "$context.stage",
  "sourceIp": "$context.identity.sourceIp",
  "table": "$stageVariables.ordersTable",
  "customer": $input.json('$.customer'),
  "items": [
#foreach($item in $input.path('$.items'))
    {"sku": "$item.sku", "quantity": $item.quantity, "price": $item.price}#if($foreach.hasNext),#end
#end
  ],
  "itemCount": $input.path('$.items').size(),
  "coupon": $input.json('$.coupon')
}`

// The same output from plain objects: $body is the parsed payload, $JSON serialises as $input.json does.
const bareSource = `{
  "orderId": "$params.path.orderId",
  "channel": "$params.header['X-Channel']",
  "currency": "$params.querystring.currency",
  "requestId": "$ctx.requestId",
  "stage": "$ctx.stage",
  "sourceIp": "$ctx.identity.sourceIp",
  "table": "$stage.ordersTable",
  "customer": $JSON.stringify($body.customer),
  "items": [
#foreach($item in $body.items)
    {"sku": "$item.sku", "quantity": $item.quantity, "price": $item.price}#if($foreach.hasNext),#end
#end
  ],
  "itemCount": $body.items.size(),
  "coupon": $JSON.stringify($body.coupon)
}`

const order = {
  customer: { id: 'c-1042', name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
  items: Array.from({ length: 10 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    name: `Item ${i + 1}`,
    quantity: (i % 3) + 1,
    price: Math.round((4.99 + i * 3.25) * 100) / 100,
  })),
  coupon: 'SPRING10',
  shipping: { method: 'express', address: { line1: '1 Analytical Way', city: 'London', postcode: 'N1 9GU' } },
}

const input: TemplateInput = {
  body: JSON.stringify(order),
  params: {
    path: { orderId: 'ord-7731' },
    querystring: { currency: 'EUR' },
    header: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Channel': 'web', 'User-Agent': 'bench/1.0' },
  },
  stageVariables: { ordersTable: 'orders-prod', region: 'eu-west-1' },
  // As src/context.ts builds it for a REST API.
  context: {
    accountId: '000000000000',
    apiId: 'a1b2c3d4e5',
    deploymentId: 'a1b2c3d4e5',
    domainName: 'api.example.com',
    domainPrefix: 'api',
    extendedRequestId: 'Ab1CdEfGhIjKlMn=',
    httpMethod: 'POST',
    identity: { accessKey: null, accountId: null, caller: null, sourceIp: '203.0.113.7', user: null, userAgent: 'bench/1.0', userArn: null },
    path: '/prod/orders/ord-7731',
    protocol: 'HTTP/1.1',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    requestTime: '24/Nov/2026:10:59:38 +0000',
    requestTimeEpoch: 1795517978000,
    resourceId: 'r1',
    resourcePath: '/orders/{orderId}',
    stage: 'prod',
    isCanaryRequest: 'false',
  },
}

const bareContext = {
  body: order,
  params: input.params,
  ctx: input.context,
  stage: input.stageVariables,
  JSON,
}

const awsTemplate = compileTemplate(awsSource)
const bareTemplate = new Compile(parse(bareSource), { escape: false })

interface Target {
  name: string
  label: string
  render: () => string
  samples: number[]
}

const targets: Target[] = [
  { name: 'aws', label: 'AWS layer (compiled once)', render: () => awsTemplate.render(input), samples: [] },
  { name: 'parse', label: 'AWS layer, parsed per request', render: () => compileTemplate(awsSource).render(input), samples: [] },
  { name: 'bare', label: 'bare velocityjs Compile', render: () => bareTemplate.render(bareContext), samples: [] },
  {
    name: 'bareParse',
    label: 'bare velocityjs + JSON.parse(body)',
    render: () => bareTemplate.render({ ...bareContext, body: JSON.parse(input.body) }),
    samples: [],
  },
]

/** Where rendered lengths go, so no render's result is unused. */
let sink = 0

/** Renders `count` times and returns renders per second. */
function time(target: Target, count: number): number {
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) sink += target.render().length
  return count / (Number(process.hrtime.bigint() - started) / 1e9)
}

function checkOutputs(): string {
  const outputs = targets.map((t) => t.render())
  const expected = outputs[0]
  for (const [i, output] of outputs.entries()) {
    if (output !== expected) throw new Error(`${targets[i].label} rendered different text:\n${output}\n--- expected ---\n${expected}`)
  }
  JSON.parse(expected) // the template is meant to produce JSON; a mistake in it should stop the run
  return expected
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const fixed = (n: number) => n.toFixed(2)

function report() {
  const ops = Object.fromEntries(targets.map((t) => [t.name, median(t.samples)])) as Record<string, number>
  const ratios = {
    awsOverParse: ops.aws / ops.parse,
    awsCostOverBare: ops.bare / ops.aws, // time per render, AWS layer / bare
    awsCostOverBareParse: ops.bareParse / ops.aws,
    bareOverParse: ops.bare / ops.parse,
  }
  const met = {
    awsOverParse: ratios.awsOverParse >= BARS.awsOverParse,
    awsCostOverBare: ratios.awsCostOverBare <= BARS.awsCostOverBare,
  }
  return { ops, ratios, met }
}

function markdown({ ops, ratios, met }: ReturnType<typeof report>, output: string): string {
  const now = new Date()
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  const rows = targets.map(
    (t) => `| ${t.label} | ${fmt(ops[t.name])} | ${(1e6 / ops[t.name]).toFixed(1)} | ${t.samples.map(fmt).join(', ')} |`,
  )
  return [
    HEADING,
    '',
    'What one mapping template costs per request, outside the HTTP path: `bench/templates.ts` renders the',
    'same ~15-line request template (`$input.params`, `$input.json`, `$input.path`, `#foreach` over 10',
    'items, `$context`, `$stageVariables`) over the same order payload (~1 KB) in one Node process,',
    'three ways, taking turns each round:',
    '',
    '- **AWS layer**: `compileTemplate(src)` from `src/vtl` once, then `render(input)` per request, as',
    '  `src/integration/templates.ts` does (the input carries the body as a string, so each render parses it).',
    '- **parsed per request**: `compileTemplate(src).render(input)` per request.',
    '- **bare velocityjs**: `new Compile(parse(equivalent))` once, `render(context)` per request, where',
    '  the equivalent template reads the same data from plain objects (`$body.items`, `$ctx.requestId`,',
    '  `$JSON.stringify($body.customer)` for `$input.json`) and the context holds the payload already parsed.',
    '  The run stops unless all renders produce the same text. A fourth row adds `JSON.parse(body)` to each bare',
    '  render, the part of the AWS-layer cost no template engine can skip; it is for reading, not a bar.',
    '',
    '```sh',
    'npm run bench:templates',
    '# more renders per measurement, more rounds',
    'BENCH_RENDERS=50000 BENCH_ROUNDS=7 npm run bench:templates',
    '```',
    '',
    `Run on ${now.toISOString().slice(0, 10)} (${now.toISOString()}) with \`npm run bench:templates\`` +
      ` (${settings.renders.toLocaleString('en-US')} renders per measurement, ${settings.rounds} rounds after` +
      ` ${settings.warmup.toLocaleString('en-US')} warm-up renders each; each row is the median round).`,
    '',
    `Machine: ${availableParallelism()} cores (nproc; ${cpus()[0]?.model ?? 'unknown CPU'}), Linux ${release()}, Node ${process.version}.`,
    '',
    '| target | renders/s | µs/render | rounds (renders/s) |',
    '| --- | ---: | ---: | --- |',
    ...rows,
    '',
    '| ratio | value |',
    '| --- | ---: |',
    `| AWS layer / parsed per request, renders/s (bar ≥ ${BARS.awsOverParse}: ${verdict(met.awsOverParse)}) | ${fixed(ratios.awsOverParse)} |`,
    `| AWS layer cost / bare velocityjs cost, µs per render (bar ≤ ${BARS.awsCostOverBare}: ${verdict(met.awsCostOverBare)}) | ${fixed(ratios.awsCostOverBare)} |`,
    `| AWS layer cost / bare velocityjs + JSON.parse cost | ${fixed(ratios.awsCostOverBareParse)} |`,
    `| bare velocityjs / parsed per request, renders/s | ${fixed(ratios.bareOverParse)} |`,
    '',
    'That the request path never parses is proven by `test/vtl/compiled-once.test.ts`: fifty requests through',
    'a pipeline with non-trivial request and response templates leave `templateStats.parses` unchanged.',
    '',
    '<details><summary>Rendered output (identical for all targets)</summary>',
    '',
    '```json',
    output,
    '```',
    '',
    '</details>',
  ].join('\n')
}

/** Replaces the "## Mapping templates" section (up to the next `## ` heading), or appends it at the end. */
async function updateDoc(section: string) {
  let doc = await readFile(DOC, 'utf8')
  const from = doc.search(/^## Mapping templates\s*$/m)
  if (from < 0) {
    doc = `${doc.trimEnd()}\n\n${section}\n`
  } else {
    const next = doc.slice(from + HEADING.length).search(/^## /m)
    const to = next < 0 ? doc.length : from + HEADING.length + next
    doc = `${doc.slice(0, from)}${section}\n${next < 0 ? '' : `\n${doc.slice(to)}`}`
  }
  await writeFile(DOC, doc)
}

async function main() {
  const output = checkOutputs()
  console.log(`rendered output (all targets):\n${output}\n`)
  for (const target of targets) time(target, settings.warmup)
  for (let round = 1; round <= settings.rounds; round++) {
    // Taking turns spreads this VM's speed drift over all targets alike.
    for (const target of targets) target.samples.push(time(target, settings.renders))
    console.log(`round ${round}: ${targets.map((t) => `${t.name} ${fmt(t.samples.at(-1)!)}`).join(', ')}`)
  }
  const result = report()
  console.log('')
  console.log(`${'target'.padEnd(38)}${'renders/s'.padStart(12)}${'µs/render'.padStart(12)}`)
  for (const t of targets) {
    console.log(`${t.label.padEnd(38)}${fmt(result.ops[t.name]).padStart(12)}${(1e6 / result.ops[t.name]).toFixed(1).padStart(12)}`)
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
  console.log('')
  console.log(`AWS layer / parsed per request      ${fixed(result.ratios.awsOverParse)}  (bar ≥ ${BARS.awsOverParse}: ${verdict(result.met.awsOverParse)})`)
  console.log(`AWS layer cost / bare cost          ${fixed(result.ratios.awsCostOverBare)}  (bar ≤ ${BARS.awsCostOverBare}: ${verdict(result.met.awsCostOverBare)})`)
  console.log(`AWS layer cost / bare+JSON.parse    ${fixed(result.ratios.awsCostOverBareParse)}`)
  console.log(`bare / parsed per request           ${fixed(result.ratios.bareOverParse)}`)
  if (process.env.BENCH_NO_DOC) return
  await updateDoc(markdown(result, output))
  console.log(`\nupdated: docs/benchmarks.md (${HEADING})`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
