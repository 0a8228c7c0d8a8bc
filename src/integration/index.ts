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
    plans.set(method, { plan: compileIntegrationPlan(method.integration, templateFor), run: integrations[method.integration.type] })
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
