import type { ResponseTypeName } from './catalogue'

/**
 * A failure anywhere in the flow, named by its AWS gateway response type.
 * Thrown by any step and rendered in one place (`renderGatewayResponse`).
 * @example throw new GatewayError('INTEGRATION_TIMEOUT')
 */
export class GatewayError extends Error {
  constructor(
    readonly type: ResponseTypeName,
    readonly options: { message?: string | null; status?: number; errorType?: string; headers?: Record<string, string>; cause?: unknown; validationErrorString?: string } = {},
  ) {
    super(options.message ?? type, { cause: options.cause })
    this.name = 'GatewayError'
  }
}
