/** The region execute-api ARNs carry without `x-gateway.region`: the gateway runs everywhere, so no AWS region fits. */
export const defaultRegion = 'local'

/** The account `$context.accountId` and execute-api ARNs show without `x-gateway.accountId` (the gateway has no AWS account of its own). */
export const defaultAccountId = '000000000000'

/** An http(s) base URL, as `awsEndpoints` and the `AWS_ENDPOINT_URL*` variables take. */
export const httpBaseUrl = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/

/** Where an API sits in AWS (src/definitions/table.ts `Api` carries it). */
export interface AwsPlacement {
  region: string
  accountId: string
  awsEndpoints: Record<string, string>
}

/**
 * Where an API sits in AWS, the same for REST, HTTP and WebSocket APIs: the region and account its
 * ARNs and `$context.accountId` name, and where its AWS integrations reach each service (trailing
 * slashes dropped). Compiled once; requests only read it.
 * @example awsPlacement({ region: 'eu-west-1', accountId: '123456789012' }) // { region: 'eu-west-1', accountId: '123456789012', awsEndpoints: {} }
 */
export function awsPlacement(x: { region?: string; accountId?: string; awsEndpoints?: Record<string, string> }): AwsPlacement {
  return {
    region: x.region ?? defaultRegion,
    accountId: x.accountId ?? defaultAccountId,
    awsEndpoints: Object.fromEntries(Object.entries(x.awsEndpoints ?? {}).map(([service, url]) => [service, url.replace(/\/+$/, '')])),
  }
}
