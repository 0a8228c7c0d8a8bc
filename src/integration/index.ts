import type { IntegrationType } from '../definitions/table'
import type { Invocation } from '../invocation'
import { GatewayError } from '../gateway-responses/error'
import { httpProxy } from './http-proxy'
import { mock } from './mock'
import { http } from './http'
import { aws } from './aws'

const notSupported = async (): Promise<Response> => {
  throw new GatewayError('API_CONFIGURATION_ERROR', { message: 'Internal server error' })
}

/** One function per AWS integration type; the compiler refuses the types not built yet. */
export const integrations: Record<IntegrationType, (inv: Invocation) => Promise<Response>> = {
  http_proxy: httpProxy,
  mock,
  http,
  aws_proxy: notSupported,
  aws,
}
