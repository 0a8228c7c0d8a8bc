import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { RouteTable } from '../definitions/table'
import type { Env } from '../env'
import type { StoredKey } from '../durable/control-plane'
import type { PlanIndex } from '../method-request/usage-plans'
import { changeKey, controlPlane, KeyChangeRefused, listKeys, type KeyView } from '../control-plane/keys'

const name = z.string().min(1).max(128)
const usagePlans = z.array(z.string().min(1))
const createBody = z.strictObject({
  name,
  value: z.string().min(20, 'must be at least 20 characters').max(128).optional(),
  enabled: z.boolean().optional(),
  usagePlans,
})
const patchBody = z.strictObject({ name: name.optional(), enabled: z.boolean().optional(), usagePlans: usagePlans.optional() })

/**
 * `/_gateway/admin/apikeys`: create, list, read, update and delete API keys at run time.
 * Keys declared in routes/ are listed too, and can be disabled or moved between plans.
 */
export function apiKeysApi(table: RouteTable, plans: PlanIndex) {
  const app = new Hono<{ Bindings: Env }>()
  const planNames = new Set(table.usagePlans.map((p) => p.name))

  const allKeys = (env: Env) => listKeys(env, plans)
  const view = (k: KeyView, withValue: boolean): KeyView => {
    if (withValue) return k
    const { value: _hidden, ...rest } = k
    return rest
  }
  const unknownPlans = (names: string[]) => names.filter((n) => !planNames.has(n))

  app.post('/', async (c) => {
    const body = await parseBody(c, createBody)
    if (body instanceof Response) return body
    const missing = unknownPlans(body.usagePlans)
    if (missing.length) return c.json({ message: `usagePlans: unknown usage plan ${missing.map((m) => `"${m}"`).join(', ')}` }, 400)
    const value = body.value ?? randomString(40, alphanumeric)
    if ((await allKeys(c.env)).some((k) => k.value === value)) return c.json({ message: 'value: an API key with this value exists' }, 409)
    const key: StoredKey = {
      id: randomString(10, lowerAlphanumeric),
      name: body.name,
      value,
      enabled: body.enabled ?? true,
      usagePlans: body.usagePlans,
      createdDate: new Date().toISOString(),
    }
    return c.json(await controlPlane(c.env).createKey(key), 201)
  })

  app.get('/', async (c) => {
    const withValues = c.req.query('includeValues') === 'true'
    return c.json({ items: (await allKeys(c.env)).map((k) => view(k, withValues)) })
  })

  app.get('/:id', async (c) => {
    const key = (await allKeys(c.env)).find((k) => k.id === c.req.param('id'))
    if (!key) return c.json({ message: 'Invalid API Key identifier specified' }, 404)
    return c.json(view(key, c.req.query('includeValue') === 'true'))
  })

  app.patch('/:id', async (c) => {
    const body = await parseBody(c, patchBody)
    if (body instanceof Response) return body
    const missing = unknownPlans(body.usagePlans ?? [])
    if (missing.length) return c.json({ message: `usagePlans: unknown usage plan ${missing.map((m) => `"${m}"`).join(', ')}` }, 400)
    const key = (await allKeys(c.env)).find((k) => k.id === c.req.param('id'))
    if (!key) return c.json({ message: 'Invalid API Key identifier specified' }, 404)
    try {
      return c.json(view(await changeKey(c.env, key, body), false))
    } catch (e) {
      if (e instanceof KeyChangeRefused) return c.json({ message: e.message }, e.status)
      throw e
    }
  })

  app.delete('/:id', async (c) => {
    const key = (await allKeys(c.env)).find((k) => k.id === c.req.param('id'))
    if (!key) return c.json({ message: 'Invalid API Key identifier specified' }, 404)
    if (key.source === 'definition') {
      return c.json({ message: 'this key is defined in routes/: disable it (PATCH enabled: false) or remove it from the definition' }, 409)
    }
    await controlPlane(c.env).deleteKey(key.id)
    return c.body(null, 204)
  })

  return app
}

/** Reads a JSON body against a schema: a 400 naming the first bad field, or the parsed body. */
export async function parseBody<T>(c: Context, schema: z.ZodType<T>): Promise<T | Response> {
  let raw: unknown
  try {
    raw = await c.req.json()
  } catch {
    return c.json({ message: 'Invalid request body: not JSON' }, 400)
  }
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue.path.length ? issue.path.join('.') : (issue as { keys?: string[] }).keys?.join(', ') ?? 'body'
  return c.json({ message: `${field}: ${issue.message}` }, 400)
}

export const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const lowerAlphanumeric = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** Uniform random characters (rejection sampling, so no character is favoured). */
export function randomString(length: number, alphabet: string): string {
  let out = ''
  const limit = 256 - (256 % alphabet.length)
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length]
    }
  }
  return out
}
