import type { Integration } from '../definitions/table'
import { compileRequestPlan, type RequestPlan } from './request-plan'
import { compileResponsePlans, type ResponsePlan } from './integration-response'
import { compileMediaTemplates, templateCompiler, type MediaTemplate, type TemplateCompiler } from './templates'
import { compileHttpApiPlan, type HttpApiPlan } from './parameter-mapping'

/** Everything an integration reads from its definition, compiled once when the pipeline is created. */
export interface IntegrationPlan extends RequestPlan {
  integration: Integration
  requestTemplates: MediaTemplate[]
  responses: ResponsePlan[]
  /** HTTP APIs: apigatewayv2's parameter mappings, sorted. */
  httpApi?: HttpApiPlan
}

/**
 * Compiles one integration: URI template, parameter mappings with their readers, request and
 * response templates, selection patterns. The request path then reads plain data only.
 * @example const plan = compileIntegrationPlan(method.integration, templateCompiler())
 */
export function compileIntegrationPlan(integration: Integration, templateFor: TemplateCompiler = templateCompiler()): IntegrationPlan {
  return {
    ...compileRequestPlan(integration),
    integration,
    requestTemplates: compileMediaTemplates(integration.requestTemplates, templateFor),
    responses: compileResponsePlans(integration, templateFor),
    ...(integration.httpApi ? { httpApi: compileHttpApiPlan(integration.httpApi) } : {}),
  }
}
