import type { Api } from '../../definitions/table'
import { variable } from '../../env'

/**
 * Where an AWS integration reaches a service, first found wins:
 * 1. `x-gateway.awsEndpoints[service]`, then `awsEndpoints.default` (LocalStack answers every
 *    service on one port): the definition, like an SDK client's own `endpoint`, beats the environment;
 * 2. `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`: the AWS SDKs' and CLI's variables, so
 *    tools already pointed at LocalStack or a Lambda emulator point the gateway there too. As in
 *    the SDKs, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` turns them off;
 * 3. AWS's regional endpoint `https://{service}.{region}.amazonaws.com`.
 * @example endpointFor(api, { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9001' }, 'lambda', 'eu-west-1') // 'http://127.0.0.1:9001'
 */
export function endpointFor(api: Pick<Api, 'awsEndpoints'>, env: Record<string, unknown>, service: string, region: string): string {
  const own = (name: string) => (Object.hasOwn(api.awsEndpoints, name) ? api.awsEndpoints[name] : undefined)
  const configured = own(service) ?? own('default') ?? fromEnvironment(env, service)
  if (configured !== undefined) return configured
  // China's regions live under their own domain.
  return `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`
}

function fromEnvironment(env: Record<string, unknown>, service: string): string | undefined {
  if (String(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).toLowerCase() === 'true') return undefined
  // Any value set counts, a malformed one included: it fails the call rather than reaching AWS
  // itself (`gateway serve` refuses to start with one).
  const url = variable(env[endpointVariable(service)]) ?? variable(env.AWS_ENDPOINT_URL)
  return url?.replace(/\/+$/, '')
}

/**
 * The SDKs' `AWS_ENDPOINT_URL_<SERVICE>` for an endpoint prefix as integration ARNs name it: the
 * service id, upper-case, spaces as `_` (AWS SDK reference, "Identifiers for service-specific
 * endpoints"). Where the id is not the prefix, it is listed.
 * @example endpointVariable('states') // 'AWS_ENDPOINT_URL_SFN'
 */
export function endpointVariable(service: string): string {
  const id = Object.hasOwn(serviceIds, service) ? serviceIds[service] : service.toUpperCase().replace(/[.-]/g, '_')
  return `AWS_ENDPOINT_URL_${id}`
}

const serviceIds: Record<string, string> = {
  states: 'SFN',
  events: 'EVENTBRIDGE',
  logs: 'CLOUDWATCH_LOGS',
  monitoring: 'CLOUDWATCH',
  email: 'SES',
  secretsmanager: 'SECRETS_MANAGER',
  'cognito-idp': 'COGNITO_IDENTITY_PROVIDER',
  'cognito-identity': 'COGNITO_IDENTITY',
  apigateway: 'API_GATEWAY',
  'execute-api': 'APIGATEWAYMANAGEMENTAPI',
  'runtime.sagemaker': 'SAGEMAKER_RUNTIME',
  'runtime.lex': 'LEX_RUNTIME_SERVICE',
  'data.iot': 'IOT_DATA_PLANE',
}
