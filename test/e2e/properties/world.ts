import { startGateway, type RunningGateway } from '../helpers/gateway'
import { startBackend, type Backend, type Received } from '../helpers/backend'
import { routesDir } from '../helpers/routes'
import { LambdaError, startAwsServices, type AwsCall } from '../conformance/aws-services'
import { sendRaw, type Reply, type Sent } from './raw-socket'
import { adminToken, api, apiId, publicPrefix, stage } from './api'

/** What reached an integration while one request was handled. */
export interface Reached {
  backend: Received[]
  /** Lambda invocations of the AWS_PROXY function (authorizer calls are not integration requests). */
  lambda: AwsCall[]
}

export interface World {
  gateway: RunningGateway
  backend: Backend
  /** The Host header integration requests to the backend must carry. */
  backendHost: string
  /** Sends one raw request (Host and a fresh `x-probe` added unless given) and returns what it caused. */
  send(sent: Partial<Sent> & Pick<Sent, 'target'>): Promise<{ reply: Reply; reached: Reached; probe: string }>
  stop(): Promise<void>
}

const own = { accessKeyId: 'AKIAE2EPROPERTIES001', secretAccessKey: 'e2e/properties/secret/0123456789' }
const allowAllGetsButSecret = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:*:*:${apiId}/${stage}/GET/*` },
    { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:*:*:${apiId}/${stage}/GET/auth/secret` },
    { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:*:*:${apiId}/${stage}/GET/rauth/secret` },
  ],
}

/**
 * The recording backend, the Lambda stand-in (authorizer `policy`, AWS_PROXY `echo`) and
 * `gateway serve` on the property API, with the admin token set.
 * @example const world = await startWorld(); const { reply, reached } = await world.send({ target: '/dev/public/a' })
 */
export async function startWorld(): Promise<World> {
  const backend = await startBackend({
    [`${publicPrefix}slow`]: async (_req, res) => {
      await new Promise((r) => setTimeout(r, 1_000))
      res.end('late')
    },
  })
  const services = await startAwsServices({
    keys: new Map([[own.accessKeyId, own]]),
    functions: {
      policy: (event) => {
        if (event.type === 'TOKEN' && !/^Bearer /.test(event.authorizationToken)) throw new LambdaError('Unauthorized')
        return { principalId: 'caller', policyDocument: allowAllGetsButSecret }
      },
      echo: (event) => ({ statusCode: 200, body: JSON.stringify({ path: event.path, httpMethod: event.httpMethod }) }),
    },
  })
  const routes = await routesDir({ 'props.yaml': api(backend.url, services.url) })
  const gateway = await startGateway(routes.dir, {
    env: { GATEWAY_ADMIN_TOKEN: adminToken, AWS_ACCESS_KEY_ID: own.accessKeyId, AWS_SECRET_ACCESS_KEY: own.secretAccessKey },
  })
  let probes = 0

  return {
    gateway,
    backend,
    backendHost: `127.0.0.1:${backend.port}`,
    async send(partial) {
      const probe = `p${++probes}`
      const headers = partial.headers ?? []
      const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name)
      const sent: Sent = {
        method: partial.method ?? 'GET',
        target: partial.target,
        headers: [...(has('host') ? [] : [['Host', `${apiId}.execute-api.localhost`] as [string, string]]), ...(has('x-probe') ? [] : [['x-probe', probe] as [string, string]]), ...headers],
        body: partial.body,
      }
      const backendBefore = backend.received.length
      const lambdaBefore = services.calls.length
      const reply = await sendRaw(gateway.port, sent)
      const lambda = services.calls.slice(lambdaBefore).filter((c) => c.fields.functionName === 'echo')
      return { reply, reached: { backend: backend.received.slice(backendBefore), lambda }, probe }
    },
    async stop() {
      await gateway.stop()
      await backend.close()
      await services.stop()
      await routes.remove()
    },
  }
}
