import { afterAll, beforeAll, describe, it } from 'vitest'
import { startWorld, type World } from './properties/world'
import { holds, scale } from './properties/run'
import { sameApiKeyCheck, sameAuthorizerDecision, sameCacheEntry } from './properties/same-method-same-decision'
import { staysUnderPrefix } from './properties/integration-prefix'
import { mappedQueryNever5xx, onlyDocumented5xx } from './properties/documented-5xx'
import { noCredentialForwarded } from './properties/no-credential-forwarded'
import { onlyStandardMethodsReachIntegrations } from './properties/standard-methods-only'

/**
 * Property-based tests over real sockets: generated paths, encodings, methods, headers and
 * bodies against `gateway serve`, checking invariants rather than examples. Bounded in runs
 * and time, seeded (FC_SEED), see docs/testing.md.
 */

let world: World

beforeAll(async () => {
  world = await startWorld()
}, 90_000)

afterAll(() => world?.stop())

// Each property stops generating at its time limit; the test timeout is a backstop above it.
const TEST_TIMEOUT = 40_000 * scale

describe('(a) one method, one decision, however the path is spelled', () => {
  it('a TOKEN authorizer policy decides the same for every spelling', () => holds(sameAuthorizerDecision(world, 'auth', [['Authorization', 'Bearer caller']]), { runs: 100, timeLimitMs: 12_000 }), TEST_TIMEOUT)

  it('a REQUEST authorizer policy decides the same for every spelling', () => holds(sameAuthorizerDecision(world, 'rauth', [['X-User', 'caller']]), { runs: 60, timeLimitMs: 8_000 }), TEST_TIMEOUT)

  it('a response stored under one spelling is a cache hit under any other', () => holds(sameCacheEntry(world), { runs: 60, timeLimitMs: 8_000 }), TEST_TIMEOUT)

  it('an API key is required, and counted once, under every spelling', () => holds(sameApiKeyCheck(world), { runs: 40, timeLimitMs: 8_000 }), TEST_TIMEOUT)
})

describe('(b) integration requests stay under their URI', () => {
  it("no {proxy+} value takes an HTTP or HTTP_PROXY request out of the URI's path prefix or off its host", () => holds(staysUnderPrefix(world), { runs: 200, timeLimitMs: 12_000 }), TEST_TIMEOUT)
})

describe('(c) the gateway answers client input with no 5xx of its own but the documented ones', () => {
  it('any request, however malformed, gets a 4xx, a backend answer or a documented 5xx', () => holds(onlyDocumented5xx(world), { runs: 250, timeLimitMs: 20_000 }), TEST_TIMEOUT)

  it('a query value mapped into an integration header never makes a 5xx, control characters included', () => holds(mappedQueryNever5xx(world), { runs: 60, timeLimitMs: 8_000 }), TEST_TIMEOUT)
})

describe('(d) gateway credentials stay at the gateway', () => {
  it('the admin token, however it is written, never reaches a backend or a Lambda event', () => holds(noCredentialForwarded(world), { runs: 50, timeLimitMs: 8_000 }), TEST_TIMEOUT)
})

describe('methods outside AWS’s seven', () => {
  it('never reach an integration, not even through ANY', () => holds(onlyStandardMethodsReachIntegrations(world), { runs: 40, timeLimitMs: 6_000 }), TEST_TIMEOUT)
})
