import { createDurable } from 'itty-durable'
import type { Env } from '../env'
import type { KeyRecord } from './api-key-object'
import { keyObject } from './key-object'

/** An API key created at run time, through either control API (definition keys live in the route table). */
export interface StoredKey extends KeyRecord {
  value: string
  createdDate: string
  description?: string
  lastUpdatedDate?: string
}

/** A change made through the admin API to a key declared in routes/. */
export type KeyOverride = Pick<KeyRecord, 'enabled' | 'usagePlans'>

// itty-durable 2.x calls each method as a fetch with JSON arguments in a header and reloads state
// only inside fetch(): fine for this cold path, never for a per-request one. Arguments and results
// stay JSON-safe so a move to native RPC (docs/usage-plans.md) changes no caller.
const Base = createDurable({ autoPersist: true }) as unknown as new (state: DurableObjectState, env: Env) => {
  state: DurableObjectState & { env: Env }
}

/**
 * The control plane's catalogue: keys created at run time and overrides of defined keys.
 * Every change is written through to the key's own object, so it holds from the next request.
 */
export class ControlPlane extends Base {
  keys: Record<string, StoredKey> = {}
  overrides: Record<string, KeyOverride> = {}

  constructor(state: DurableObjectState, env: Env) {
    // itty-durable inspects every binding; an unset environment variable arrives as null.
    super(state, Object.fromEntries(Object.entries(env).filter(([, v]) => v !== null && v !== undefined)) as Env)
  }

  async createKey(key: StoredKey): Promise<StoredKey> {
    if (Object.values(this.keys).some((k) => k.value === key.value)) throw conflict('an API key with this value exists')
    this.keys[key.id] = key
    await keyObject(this.state.env, key.value).putRecord(recordOf(key))
    return key
  }

  listKeys(): StoredKey[] {
    return Object.values(this.keys)
  }

  getKey(id: string): StoredKey | null {
    return this.keys[id] ?? null
  }

  async updateKey(id: string, patch: Partial<Pick<StoredKey, 'name' | 'description' | 'enabled' | 'usagePlans' | 'lastUpdatedDate'>>): Promise<StoredKey | null> {
    const key = this.keys[id]
    if (!key) return null
    Object.assign(key, patch)
    await keyObject(this.state.env, key.value).putRecord(recordOf(key))
    return key
  }

  async deleteKey(id: string): Promise<boolean> {
    const key = this.keys[id]
    if (!key) return false
    delete this.keys[id]
    await keyObject(this.state.env, key.value).putRecord(null)
    return true
  }

  listOverrides(): Record<string, KeyOverride> {
    return this.overrides
  }

  /** Overrides a key defined in routes/ (the worker passes its current record and value). */
  async overrideKey(record: KeyRecord, value: string): Promise<KeyRecord> {
    this.overrides[record.id] = { enabled: record.enabled, usagePlans: record.usagePlans }
    await keyObject(this.state.env, value).putRecord(record)
    return record
  }
}

const recordOf = (k: StoredKey): KeyRecord => ({ id: k.id, name: k.name, enabled: k.enabled, usagePlans: k.usagePlans })

const conflict = (message: string) => Object.assign(new Error(message), { status: 409 })
