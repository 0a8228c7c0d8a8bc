import fc from 'fast-check'
import { expect } from 'vitest'
import type { World } from './world'
import type { Reply, Sent } from './raw-socket'
import { clientRequest, queryValue, standardMethods } from './requests'
import { stage } from './api'

/**
 * Invariant (c): no client input yields a 5xx that the gateway generated itself, except the
 * documented ones below. Gateway responses carry `x-amzn-ErrorType`; the backends of the
 * property API never answer 5xx themselves, so any other 5xx came from the runtime.
 */

interface Documented5xx {
  status: number
  /** `x-amzn-ErrorType`; undefined for workerd's own answers, which have none. */
  errorType: string | undefined
  /** The `message` of the JSON body, when the response has a body. */
  message?: string
  /** Where it is documented, and when it may happen. */
  why: string
  applies(sent: Sent): boolean
}

const pathOf = (sent: Sent) => sent.target.split('?')[0]

/** Every 5xx the property API may answer, and the request it may answer it to. */
export const documented5xx: Documented5xx[] = [
  {
    status: 504,
    errorType: 'InternalServerErrorException',
    message: 'Internal server error',
    why: 'INTEGRATION_FAILURE: the backend cannot be reached (docs/configuration.md, gateway responses)',
    applies: (sent) => pathOf(sent) === `/${stage}/fail`,
  },
  {
    status: 504,
    errorType: 'InternalServerErrorException',
    message: 'Endpoint request timed out',
    why: 'INTEGRATION_TIMEOUT: the backend is slower than timeoutInMillis (docs/configuration.md)',
    applies: (sent) => pathOf(sent) === `/${stage}/slow`,
  },
  {
    status: 501,
    errorType: undefined,
    why: "workerd's own answer to a method it does not know, before the Worker runs (docs/deploy.md)",
    applies: (sent) => !(standardMethods as readonly string[]).includes(sent.method),
  },
]

const messageOf = (reply: Reply) => {
  try {
    return (JSON.parse(reply.body.toString('utf8')) as { message?: string }).message
  } catch {
    return reply.body.toString('utf8')
  }
}

const isDocumented = (sent: Sent, reply: Reply) => {
  const errorType = reply.headers['x-amzn-errortype']
  const message = reply.body.length > 0 && errorType ? messageOf(reply) : undefined
  return documented5xx.some((d) => d.status === reply.status && d.errorType === errorType && (message === undefined || d.message === message) && d.applies(sent))
}

async function expectNoUndocumented5xx(world: World, request: Sent) {
  const { reply, reached, probe } = await world.send(request)
  if (reply.status < 500 || isDocumented(request, reply)) return
  const answer = { status: reply.status, errorType: reply.headers['x-amzn-errortype'], body: reply.body.toString('utf8').slice(0, 300) }
  const backend = reached.backend.filter((r) => r.headers['x-probe'] === probe).map((r) => ({ method: r.method, url: r.url, headers: r.headers }))
  expect.fail(`undocumented ${reply.status}: ${request.method} ${request.target}\nanswer: ${JSON.stringify(answer)}\nbackend got: ${JSON.stringify(backend)}`)
}

/**
 * Any request to any resource.
 * @example await holds(onlyDocumented5xx(world), { runs: 250, timeLimitMs: 20_000 })
 */
export function onlyDocumented5xx(world: World) {
  return fc.asyncProperty(clientRequest, (request) => expectNoUndocumented5xx(world, request))
}

/**
 * Query string values mapped into an integration request header (`/mapped` on HTTP_PROXY,
 * `/mapped-http` on HTTP), control characters included: a header the client's text cannot
 * form is the client's fault, never a backend failure.
 * @example await holds(mappedQueryNever5xx(world), { runs: 60, timeLimitMs: 8_000 })
 */
export function mappedQueryNever5xx(world: World) {
  return fc.asyncProperty(fc.constantFrom('mapped', 'mapped-http'), queryValue, (resource, q) =>
    expectNoUndocumented5xx(world, { method: 'GET', target: `/${stage}/${resource}?q=${q}`, headers: [] }),
  )
}
