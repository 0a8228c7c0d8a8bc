import { GatewayError } from '../gateway-responses/error'

/**
 * What stands in for a part of an integration that does not compile (the definitions build
 * reports it; a table from another build may still hold one): logged once, when the pipeline is
 * created, then a 500 each time a request reaches it, so the Worker keeps serving the rest.
 * @example return { render: failsWhenUsed('mapping template', e) }
 */
export function failsWhenUsed(what: string, e: unknown): () => never {
  console.error(`${what} does not compile: ${(e as Error).message}`)
  return () => {
    throw new GatewayError('API_CONFIGURATION_ERROR', { cause: e })
  }
}
