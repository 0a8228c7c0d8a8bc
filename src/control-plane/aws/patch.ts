import { z } from 'zod'
import { badRequest } from './errors'

/** One of AWS's `patchOperations`, as the SDK sends it. */
export const patchOperations = z.strictObject({
  patchOperations: z
    .array(z.strictObject({ op: z.string(), path: z.string(), value: z.string().optional(), from: z.string().optional() }))
    .optional(),
})

export type PatchOperation = NonNullable<z.infer<typeof patchOperations>['patchOperations']>[number]

/**
 * Reads `replace` operations on the paths a resource allows into a plain object, checking every
 * operation before the caller writes anything: one bad operation leaves the resource untouched.
 * @example const change = replacements(body.patchOperations, { '/enabled': boolean, '/name': text })
 */
export function replacements<T extends Record<string, (value: string | undefined, path: string) => unknown>>(
  operations: PatchOperation[] | undefined,
  paths: T,
): { [K in keyof T as K extends `/${infer Name}` ? Name : never]?: ReturnType<T[K]> } {
  const out: Record<string, unknown> = {}
  for (const { op, path, value } of operations ?? []) {
    if (!Object.hasOwn(paths, path)) throw badRequest(`Invalid patch path ${path}`)
    if (op !== 'replace') throw badRequest(`Invalid patch operation specified. Must be 'replace' for path ${path}`)
    out[path.slice(1)] = paths[path](value, path)
  }
  return out as never
}

/** `"true"` or `"false"`, as AWS writes booleans in patch values. */
export function booleanValue(value: string | undefined, path: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true'
  throw badRequest(`Invalid boolean value ${value ?? 'null'} for ${path}: must be true or false`)
}

/** A non-empty string of at most 1024 characters. */
export function textValue(value: string | undefined, path: string): string {
  if (value === undefined || value.length === 0 || value.length > 1024) throw badRequest(`Invalid value for ${path}: a non-empty string is required`)
  return value
}

/** A non-negative integer. */
export function countValue(value: string | undefined, path: string): number {
  const n = Number(value)
  if (value === undefined || value.trim() === '' || !Number.isInteger(n) || n < 0) throw badRequest(`Invalid value for ${path}: a non-negative integer is required`)
  return n
}
