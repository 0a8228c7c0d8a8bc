import type { IntegrationType, Method, RouteTable } from '../definitions/table'
import { methodsOf } from '../definitions/walk'
import type { Invocation } from '../invocation'
import { compileIntegrationPlan, type IntegrationPlan } from './plan'
import { templateCompiler } from './templates'
import { httpProxy } from './http-proxy'
import { mock } from './mock'
import { http } from './http'
import { aws } from './aws'
import { awsProxy } from './aws-proxy'
import { httpApiProxy } from './http-api-proxy'
import { awsService } from './aws-service'
import { mapIntegrationResponse } from './parameter-mapping'

/** One function per AWS integration type. */
const integrations: Record<IntegrationType, (inv: Invocation, plan: IntegrationPlan) => Promise<Response>> = {
  http_proxy: httpProxy,
  mock,
  http,
  aws_proxy: awsProxy,
  aws,
}

/**
 * The integration step: every method's integration compiled once, here (URI, mappings,
 * templates, selection patterns), so a request only looks its plan up and runs its type's
 * function. A gateway credential the request carries is withheld from every integration first.
 * @example
 * const integrate = createIntegrationStep(table)
 * const response = await integrate(inv)
 */
export function createIntegrationStep(table: RouteTable) {
  const templateFor = templateCompiler()
  const plans = new Map<Method, { plan: IntegrationPlan; run: (typeof integrations)[IntegrationType] }>()
  for (const method of table.apis.flatMap((api) => [...methodsOf(api)])) {
    const plan = compileIntegrationPlan(method.integration, templateFor)
    plans.set(method, { plan, run: plan.httpApi ? httpApiIntegration(plan.httpApi) : integrations[method.integration.type] })
  }

  return async function integrate(inv: Invocation): Promise<Response> {
    const { plan, run } = plans.get(inv.method!)!
    // IntegrationLatency and `$context.integrationLatency`: the call until its answer or failure (a timeout included).
    const startedAt = Date.now()
    try {
      const response = await run(inv, plan)
      inv.integrationStatus = response.status
      return response
    } finally {
      inv.integrationLatency = Date.now() - startedAt
    }
  }
}

/**
 * An HTTP API integration: its own HTTP_PROXY (apigatewayv2's request mappings) and AWS service
 * integrations (`integrationSubtype`), and the
 * response mappings for the integration's status applied to whatever it answered.
 */
function httpApiIntegration(httpApi: NonNullable<IntegrationPlan['httpApi']>) {
  return async (inv: Invocation, plan: IntegrationPlan): Promise<Response> => {
    const response = httpApi.awsService
      ? await awsService(inv, plan, httpApi.awsService)
      : plan.integration.type === 'http_proxy'
        ? await httpApiProxy(inv, plan, httpApi)
        : await integrations[plan.integration.type](inv, plan)
    return httpApi.responses.size > 0 ? mapIntegrationResponse(inv, httpApi, response) : response
  }
}
