import type { Api } from '../../definitions/table'

/**
 * Where an AWS integration reaches a service: `x-gateway.awsEndpoints[service]`, else
 * `awsEndpoints.default` (LocalStack answers every service on one port), else AWS's regional
 * endpoint `https://{service}.{region}.amazonaws.com`.
 * @example endpointFor(api, 'lambda', 'eu-west-1') // 'https://lambda.eu-west-1.amazonaws.com'
 */
export function endpointFor(api: Api, service: string, region: string): string {
  const own = (name: string) => (Object.hasOwn(api.awsEndpoints, name) ? api.awsEndpoints[name] : undefined)
  const configured = own(service) ?? own('default')
  if (configured !== undefined) return configured
  // China's regions live under their own domain.
  return `https://${service}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`
}
