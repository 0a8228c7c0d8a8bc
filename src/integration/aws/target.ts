import type { Invocation } from '../../invocation'
import { GatewayError } from '../../gateway-responses/error'
import { parseIntegrationArn, type AwsTarget } from '../../definitions/aws-arn'
import { requestPlan } from '../request-plan'
import { fillUri } from '../uri'

const fixed = new WeakMap<object, AwsTarget>()

/**
 * The integration's ARN with `${stageVariables.x}` and `{name}` filled in, parsed. An ARN
 * without placeholders is parsed once; one that no longer parses once filled (a stage variable
 * holding something odd) is AWS's 500.
 * @example awsTargetOf(inv, req.pathValues) // { region: 'us-east-1', service: 'sqs', path: '123456789012/orders' }
 */
export function awsTargetOf(inv: Invocation, pathValues: Record<string, string> = {}): AwsTarget {
  const integration = inv.method!.integration
  const cached = fixed.get(integration)
  if (cached) return cached
  const parts = requestPlan(integration).uri
  const target = parseIntegrationArn(fillUri(parts, inv.stage.variables, pathValues))
  if ('error' in target) {
    console.error(`${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: ${target.error}`)
    throw new GatewayError('API_CONFIGURATION_ERROR')
  }
  if (parts.length === 1) fixed.set(integration, target)
  return target
}
