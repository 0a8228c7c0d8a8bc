import fc from 'fast-check'
import { expect } from 'vitest'
import type { World } from './world'
import { otherMethods } from './requests'
import { stage } from './api'

/**
 * Methods outside AWS's seven (TRACE, PROPFIND, lower-case `get`, …) never reach an
 * integration, not even through `ANY`, which is DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT.
 */

/** @example await holds(onlyStandardMethodsReachIntegrations(world), { runs: 40, timeLimitMs: 6_000 }) */
export function onlyStandardMethodsReachIntegrations(world: World) {
  return fc.asyncProperty(fc.constantFrom(...otherMethods), fc.constantFrom('public', 'h', 'lambda'), async (method, resource) => {
    const target = `/${stage}/${resource}/x`
    const { reply, reached } = await world.send({ method, target })
    const got = [...reached.backend.map((r) => `backend: ${r.method} ${r.url}`), ...reached.lambda.map((c) => `lambda: ${JSON.stringify(c.fields.event).slice(0, 120)}`)]
    expect(got, `${method} ${target} → ${reply.status}`).toEqual([])
  })
}
