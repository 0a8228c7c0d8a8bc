import { GatewayError } from '../gateway-responses/error'
import { catalogue } from '../gateway-responses/catalogue'

/**
 * The text frame AWS sends when a message fails (../shared/spec §9.5): a timeout is
 * "Endpoint request timed out", no route or a refused API key is "Forbidden", throttling "Too Many
 * Requests", an exhausted quota "Limit Exceeded", anything else "Internal server error"; each with
 * the connection and request ids.
 * @example errorFrame(new GatewayError('INTEGRATION_TIMEOUT'), 'AAN1gE2pQkq-Yw==', 'a1b2…')
 */
export function errorFrame(e: unknown, connectionId: string, requestId: string): string {
  return JSON.stringify({ message: messageOf(e), connectionId, requestId })
}

function messageOf(e: unknown): string {
  if (!(e instanceof GatewayError)) return 'Internal server error'
  switch (e.type) {
    case 'INTEGRATION_TIMEOUT':
      return 'Endpoint request timed out'
    case 'MISSING_AUTHENTICATION_TOKEN':
    case 'INVALID_API_KEY':
      return 'Forbidden'
    case 'THROTTLED':
      return 'Too Many Requests'
    case 'QUOTA_EXCEEDED':
      return 'Limit Exceeded'
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Unsupported Media Type'
  }
  return 'Internal server error'
}

/**
 * A refusal the client brought on itself (a 4XX: no route, throttled, key refused), which AWS
 * counts as ClientError; failures of the gateway or the integration are not.
 * @example isClientRefusal(new GatewayError('THROTTLED')) // true
 */
export const isClientRefusal = (e: unknown) => e instanceof GatewayError && statusOf(e) < 500

/** The status AWS gives a failed event (its access-log `$context.status`): the gateway error's, else 500. */
export const statusOf = (e: unknown) => (e instanceof GatewayError ? (e.options.status ?? catalogue[e.type].status) : 500)

/** Close codes the gateway uses, and why. */
export const closeCodes = {
  /** RFC 6455: the client or `DELETE @connections` ended it normally. */
  normal: 1000,
  /** Idle timeout and maximum duration (AWS's code unverified; 1001 Going Away is the likely one). */
  goingAway: 1001,
  /** Binary frames without `contentHandlingStrategy`, as AWS. */
  unsupportedData: 1003,
  /** No close frame: the TCP connection dropped. */
  abnormal: 1006,
  /** Frames over 32 KB, messages over 128 KB, as AWS. */
  tooBig: 1009,
} as const
