import type { Invocation } from '../../invocation'
import { GatewayError } from '../../gateway-responses/error'
import { assumeRole } from './assume-role'
import type { AwsCredentials } from './sign'
import { variable } from '../../env'

/**
 * The credentials a call to AWS signs with: the gateway's own (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`), or, given a role, that role's, assumed
 * through STS with the gateway's own. The caller names the role it acts under — an integration
 * its `credentials`, a Lambda authorizer its `authorizerCredentials` — and none means the
 * gateway's own: an authorizer never borrows the integration's role, so no AssumeRole happens
 * before authorization unless the authorizer asks for it. None configured is a 500, explained
 * once per request in the log and never to the client.
 * @example
 * const credentials = await credentialsFor(inv, 'eu-west-1', integration.credentialsRole) // { accessKeyId, secretAccessKey, sessionToken? }
 */
export async function credentialsFor(inv: Invocation, region: string, role: string | undefined): Promise<AwsCredentials> {
  const env = inv.env
  const accessKeyId = variable(env.AWS_ACCESS_KEY_ID)
  const secretAccessKey = variable(env.AWS_SECRET_ACCESS_KEY)
  if (!accessKeyId || !secretAccessKey) {
    console.error(
      `${inv.api.id} ${inv.method!.httpMethod} ${inv.method!.resourcePath}: the AWS integration has no credentials; ` +
        'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)',
    )
    throw new GatewayError('API_CONFIGURATION_ERROR')
  }
  const sessionToken = variable(env.AWS_SESSION_TOKEN)
  const own: AwsCredentials = sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey }
  return role ? assumeRole(inv, own, role, region) : own
}
