import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { expect } from 'vitest'
import type { World } from './world'
import { adminCredential } from './requests'
import { adminToken, apiKey, stage } from './api'

/**
 * Invariant (d): no gateway credential appears in any integration request. The admin token
 * (`Authorization: Bearer $GATEWAY_ADMIN_TOKEN`, with the documented `Cache-Control: max-age=0`
 * cache refresh) is used up at the gateway: neither the HTTP backend nor the Lambda function
 * behind AWS_PROXY may see it, in a header, the URL, the body or the proxy event.
 */

const suiteRun = randomUUID().slice(0, 8)

/** Integration methods of every kind, as a client reaches them (with what each needs). */
const integrations: { target: string; headers: [string, string][] }[] = [
  { target: `/${stage}/public/a`, headers: [] },
  { target: `/${stage}/h/a`, headers: [] },
  { target: `/${stage}/lambda/a`, headers: [] },
  { target: `/${stage}/cached/${suiteRun}`, headers: [] },
  { target: `/${stage}/keyed/a`, headers: [['x-api-key', apiKey]] },
]

/** @example await holds(noCredentialForwarded(world), { runs: 50, timeLimitMs: 8_000 }) */
export function noCredentialForwarded(world: World) {
  return fc.asyncProperty(fc.constantFrom(...integrations), adminCredential, async (integration, credential) => {
    const { reply, reached } = await world.send({ target: integration.target, headers: [...integration.headers, ...credential] })
    const carrying = [
      ...reached.backend.filter((r) => JSON.stringify(r).includes(adminToken) || r.body.includes(adminToken)).map((r) => `backend: ${r.method} ${r.url} ${JSON.stringify(r.headers)}`),
      ...reached.lambda.filter((c) => JSON.stringify(c.fields).includes(adminToken)).map((c) => `lambda event: ${JSON.stringify(c.fields.event)}`),
    ]
    expect(carrying, `GET ${integration.target} with ${JSON.stringify(credential)} → ${reply.status}`).toEqual([])
  })
}
