import { httpBaseUrl } from '../definitions/aws-placement'

/**
 * The AWS SDKs' endpoint variables `gateway serve` hands to the Worker (src/integration/aws/endpoints.ts
 * reads them): workerd binds only names it is given, so the service-specific ones are found in the
 * environment at start-up.
 * @example awsEndpointVariables({ AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:9001', HOME: '/root' }) // ['AWS_ENDPOINT_URL_LAMBDA']
 */
export function awsEndpointVariables(environment: NodeJS.ProcessEnv): string[] {
  return Object.keys(environment).filter((name) => endpointVariable.test(name))
}

/**
 * One line per endpoint variable that is set but no http(s) URL: `gateway serve` refuses to start
 * with one rather than let calls meant for a local stand-in go astray.
 * @example badAwsEndpoints({ AWS_ENDPOINT_URL: 'localhost:4566' }) // ['AWS_ENDPOINT_URL must be an http(s) URL such as http://localhost:4566, got "localhost:4566"']
 */
export function badAwsEndpoints(environment: NodeJS.ProcessEnv): string[] {
  return awsEndpointVariables(environment).flatMap((name) => {
    const value = environment[name]!
    if (value === '' || httpBaseUrl.test(value)) return []
    return [`${name} must be an http(s) URL such as http://localhost:4566, got "${value}"`]
  })
}

const endpointVariable = /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/
