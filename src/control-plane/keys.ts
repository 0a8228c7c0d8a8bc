import { proxyDurable } from 'itty-durable'
import type { Env } from '../env'
import type { KeyRecord } from '../durable/api-key-object'
import type { KeyOverride, StoredKey } from '../durable/control-plane'
import type { PlanIndex } from '../method-request/usage-plans'

/** The control plane object (itty-durable: JSON over fetch, off the request path). */
export interface ControlPlaneStub {
  createKey(key: StoredKey): Promise<StoredKey>
  listKeys(): Promise<StoredKey[]>
  getKey(id: string): Promise<StoredKey | null>
  updateKey(id: string, patch: Partial<StoredKey>): Promise<StoredKey | null>
  deleteKey(id: string): Promise<boolean>
  listOverrides(): Promise<Record<string, KeyOverride>>
  overrideKey(record: KeyRecord, value: string): Promise<KeyRecord>
}

/**
 * The one control-plane object both the admin API and the AWS API work on.
 * @example const stored = await controlPlane(env).listKeys()
 */
export const controlPlane = (env: Env): ControlPlaneStub => proxyDurable(env.CONTROL, { name: 'CONTROL', parse: true }).get('control')

/** A key as the control APIs show it: defined in routes/ (with any override) or created at run time. */
export interface KeyView extends KeyRecord {
  value?: string
  source: 'definition' | 'admin'
  description?: string
  createdDate?: string
  lastUpdatedDate?: string
}

/**
 * Every key the gateway knows: those defined in routes/ (their `enabled` and plans as overridden
 * at run time) and those created at run time, with their values.
 * @example const key = (await listKeys(env, plans)).find((k) => k.id === id)
 */
export async function listKeys(env: Env, plans: PlanIndex): Promise<KeyView[]> {
  const control = controlPlane(env)
  const [stored, overrides] = await Promise.all([control.listKeys(), control.listOverrides()])
  const defined = plans.definedKeys(env).map((k): KeyView => ({
    id: k.id,
    name: k.name,
    enabled: overrides[k.id]?.enabled ?? k.enabled,
    usagePlans: overrides[k.id]?.usagePlans ?? k.usagePlans,
    source: 'definition',
    ...(k.resolvedValue !== undefined ? { value: k.resolvedValue } : {}),
  }))
  return [...defined, ...stored.map((k): KeyView => ({ ...k, source: 'admin' }))]
}

/** Why a change to a key cannot be made, with the status the control APIs answer. */
export class KeyChangeRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message)
  }
}

/**
 * Changes a key's `enabled` and plans (any key) or its name and description (run-time keys only),
 * written through to the key's own object so the next request sees it.
 * @example await changeKey(env, key, { enabled: false })
 */
export async function changeKey(env: Env, key: KeyView, patch: Partial<Pick<KeyView, 'name' | 'description' | 'enabled' | 'usagePlans'>>): Promise<KeyView> {
  if (key.source === 'admin') {
    const stored = await controlPlane(env).updateKey(key.id, { ...patch, lastUpdatedDate: new Date().toISOString() })
    if (!stored) throw new KeyChangeRefused('Invalid API Key identifier specified', 404)
    return { ...stored, source: 'admin' }
  }
  if (patch.name !== undefined || patch.description !== undefined) throw new KeyChangeRefused('a key defined in routes/ takes its name and description from its definition', 400)
  if (key.value === undefined) throw new KeyChangeRefused('this key takes its value from an environment variable that is not set', 409)
  const record: KeyRecord = { id: key.id, name: key.name, enabled: patch.enabled ?? key.enabled, usagePlans: patch.usagePlans ?? key.usagePlans }
  await controlPlane(env).overrideKey(record, key.value)
  return { ...key, ...record }
}
