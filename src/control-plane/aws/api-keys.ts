import { Hono } from 'hono'
import { z } from 'zod'
import type { Env } from '../../env'
import type { StoredKey } from '../../durable/control-plane'
import type { PlanIndex } from '../../method-request/usage-plans'
import { alphanumeric, lowerAlphanumeric, randomString } from '../../admin/apikeys'
import { changeKey, controlPlane, listKeys, type KeyView } from '../keys'
import { badRequest, conflict, notFound, readBody } from './errors'
import { booleanValue, patchOperations, replacements, textValue } from './patch'
import { page } from './paging'
import { apiKeyShape } from './shapes'

const createApiKeyBody = z.strictObject({
  name: z.string().min(1).max(1024).optional(),
  description: z.string().max(1024).optional(),
  enabled: z.boolean().optional(),
  generateDistinctId: z.boolean().optional(),
  value: z.string().min(20, 'API Key value should be at least 20 characters').max(128).optional(),
  // Accepted only empty: the gateway keeps no stage keys, customer ids or tags, so it refuses rather than drop them.
  stageKeys: z.array(z.unknown()).max(0, 'stage keys are not supported: associate the key with a usage plan').optional(),
  tags: z.record(z.string(), z.string()).refine((t) => Object.keys(t).length === 0, 'tags are not supported').optional(),
})

/**
 * AWS's API key operations (`/apikeys`): CreateApiKey, GetApiKeys, GetApiKey, UpdateApiKey and
 * DeleteApiKey, on the same keys as `/_gateway/admin/apikeys`.
 * @example aws.route('/apikeys', apiKeysOperations(plans))
 */
export function apiKeysOperations(plans: PlanIndex) {
  const app = new Hono<{ Bindings: Env }>()
  const findKey = async (env: Env, id: string): Promise<KeyView> => {
    const key = (await listKeys(env, plans)).find((k) => k.id === id)
    if (!key) throw notFound('Invalid API Key identifier specified')
    return key
  }

  app.post('/', async (c) => {
    if (c.req.query('mode') !== undefined) throw badRequest('ImportApiKeys is not supported: create keys one at a time')
    const body = await readBody(c, createApiKeyBody)
    const value = body.value ?? randomString(40, alphanumeric)
    if ((await listKeys(c.env, plans)).some((k) => k.value === value)) throw conflict('API Key already exists')
    const now = new Date().toISOString()
    const key: StoredKey = {
      id: randomString(10, lowerAlphanumeric),
      name: body.name ?? value,
      ...(body.description !== undefined ? { description: body.description } : {}),
      value,
      // AWS creates keys disabled unless asked (`--enabled`).
      enabled: body.enabled ?? false,
      usagePlans: [],
      createdDate: now,
      lastUpdatedDate: now,
    }
    const created = await controlPlane(c.env).createKey(key)
    return c.json(apiKeyShape({ ...created, source: 'admin' }, true), 201)
  })

  app.get('/', async (c) => {
    const prefix = c.req.query('name')
    const keys = (await listKeys(c.env, plans)).filter((k) => prefix === undefined || k.name.startsWith(prefix)).sort((a, b) => a.id.localeCompare(b.id))
    const { item, position } = page(keys, (k) => k.id, c.req.query('position'), c.req.query('limit'))
    const withValues = c.req.query('includeValues') === 'true'
    return c.json({ ...(position ? { position } : {}), item: item.map((k) => apiKeyShape(k, withValues)), warnings: [] })
  })

  app.get('/:apiKey', async (c) => c.json(apiKeyShape(await findKey(c.env, c.req.param('apiKey')), c.req.query('includeValue') === 'true')))

  app.patch('/:apiKey', async (c) => {
    const body = await readBody(c, patchOperations)
    const change = replacements(body.patchOperations, { '/enabled': booleanValue, '/name': textValue, '/description': (v) => v ?? '' })
    const key = await findKey(c.env, c.req.param('apiKey'))
    return c.json(apiKeyShape(await changeKey(c.env, key, change), false))
  })

  app.delete('/:apiKey', async (c) => {
    const key = await findKey(c.env, c.req.param('apiKey'))
    if (key.source === 'definition') throw conflict('This API key is defined in routes/: disable it (replace /enabled false) or remove it from the definition')
    await controlPlane(c.env).deleteKey(key.id)
    return c.body(null, 202)
  })

  return app
}

