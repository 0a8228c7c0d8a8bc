import type { IntegrationType } from '../../definitions/table'
import type { IntegrationFactory } from './types'
import { mock } from './mock'
import { http } from './http'
import { lambda } from './lambda'

/** One compiler per WebSocket integration type (AWS integrations invoke Lambda only). */
export const webSocketIntegrations: Record<IntegrationType, IntegrationFactory> = {
  mock,
  http,
  http_proxy: http,
  aws: lambda,
  aws_proxy: lambda,
}

export type { IntegrationResult } from './types'
