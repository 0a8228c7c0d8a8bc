import type { IntegrationType } from '../definitions/table'
import type { Invocation } from '../invocation'
import { httpProxy } from './http-proxy'
import { mock } from './mock'
import { http } from './http'
import { aws } from './aws'
import { awsProxy } from './aws-proxy'

/** One function per AWS integration type. */
export const integrations: Record<IntegrationType, (inv: Invocation) => Promise<Response>> = {
  http_proxy: httpProxy,
  mock,
  http,
  aws_proxy: awsProxy,
  aws,
}
