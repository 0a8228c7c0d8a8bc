import { Hono } from 'hono'
import type { Api, RouteTable, Stage } from '../../definitions/table'
import type { Env } from '../../env'
import { flushStage } from '../../cache/store'
import { stagePrefix } from '../../cache/key'
import { forgetStage } from '../../cache'
import { forgetStageAuthorizers } from '../../method-request/authorizer-cache'
import { AwsError, notFound } from './errors'
import { page } from './paging'

/**
 * AWS's REST API and stage operations (`/restapis`): GetRestApis, GetStages, GetStage,
 * FlushStageCache and FlushStageAuthorizersCache. APIs and stages come from routes/.
 * @example aws.route('/restapis', restApisOperations(table))
 */
export function restApisOperations(table: RouteTable) {
  const app = new Hono<{ Bindings: Env }>()
  const restApis = table.apis.filter((a) => a.protocol === 'REST').sort((a, b) => a.id.localeCompare(b.id))
  const findApi = (id: string): Api => {
    const api = restApis.find((a) => a.id === id)
    if (!api) throw notFound('Invalid API identifier specified')
    return api
  }
  const findStage = (apiId: string, name: string): [Api, Stage] => {
    const api = findApi(apiId)
    if (!Object.hasOwn(api.stages, name)) throw notFound('Invalid Stage identifier specified')
    return [api, api.stages[name]]
  }

  app.get('/', (c) => {
    const { item, position } = page(restApis, (a) => a.id, c.req.query('position'), c.req.query('limit'))
    return c.json({ ...(position ? { position } : {}), item: item.map(restApiShape) })
  })

  app.get('/:restApiId/stages', (c) => c.json({ item: Object.values(findApi(c.req.param('restApiId')).stages).map(stageShape) }))

  app.get('/:restApiId/stages/:stageName', (c) => c.json(stageShape(findStage(c.req.param('restApiId'), c.req.param('stageName'))[1])))

  app.delete('/:restApiId/stages/:stageName/cache/data', async (c) => {
    const [api, stage] = findStage(c.req.param('restApiId'), c.req.param('stageName'))
    forgetStage(stagePrefix(api.id, stage.name))
    // Without a CACHE binding nothing was ever stored. The platform may cut a long flush short:
    // 503 then, which the SDK retries, and the retry carries on where this one stopped.
    if (c.env.CACHE && !(await flushStage(c.env.CACHE, api.id, stage.name)).complete) {
      throw new AwsError('ServiceUnavailableException', 'The cache flush was cut short; call again to finish it')
    }
    return c.body(null, 202)
  })

  app.delete('/:restApiId/stages/:stageName/cache/authorizers', (c) => {
    const [api, stage] = findStage(c.req.param('restApiId'), c.req.param('stageName'))
    forgetStageAuthorizers(api.id, stage.name)
    return c.body(null, 202)
  })

  return app
}

/** AWS's `RestApi`. */
const restApiShape = (api: Api) => ({
  id: api.id,
  name: api.title,
  apiKeySource: api.apiKeySource,
  endpointConfiguration: { types: [api.endpointType] },
  ...(api.binaryMediaTypes.length ? { binaryMediaTypes: api.binaryMediaTypes } : {}),
  ...(api.minimumCompressionSize !== undefined ? { minimumCompressionSize: api.minimumCompressionSize } : {}),
  disableExecuteApiEndpoint: false,
})

/** AWS's `Stage`: name, variables, cache and throttling as compiled from routes/. */
function stageShape(stage: Stage) {
  const methodSettings: Record<string, Record<string, number | boolean>> = {}
  for (const [key, t] of Object.entries(stage.throttle)) methodSettings[key] = { throttlingRateLimit: t.rateLimit, throttlingBurstLimit: t.burstLimit }
  for (const [key, s] of Object.entries(stage.cache?.methodSettings ?? {})) {
    Object.assign((methodSettings[key] ??= {}), {
      ...(s.cachingEnabled !== undefined ? { cachingEnabled: s.cachingEnabled } : {}),
      ...(s.cacheTtlInSeconds !== undefined ? { cacheTtlInSeconds: s.cacheTtlInSeconds } : {}),
    })
  }
  return {
    stageName: stage.name,
    cacheClusterEnabled: stage.cache !== undefined,
    ...(stage.cache ? { cacheClusterStatus: 'AVAILABLE' } : {}),
    methodSettings,
    variables: stage.variables,
    tracingEnabled: false,
  }
}
