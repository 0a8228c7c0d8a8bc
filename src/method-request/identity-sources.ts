import type { IdentitySource } from '../definitions/table'
import { clientHeader, queryOf, type Invocation } from '../invocation'
import { contextOf } from '../context'
import { matchedPath } from './method-arn'

/**
 * The values of an authorizer's identity sources, in order; undefined when any is missing or
 * empty (AWS then answers 401 without invoking the function). They are also its cache key, so
 * `context.path` reads the path the router matched (`/dev/auth/secret` for `/dev/auth//%73ecret/`),
 * not `$context.path` as spelled: every spelling of one request shares one cache entry.
 * @example readIdentity(inv, [{ location: 'header', name: 'authorization' }]) // ['Bearer abc']
 */
export function readIdentity(inv: Invocation, sources: IdentitySource[]): string[] | undefined {
  const values: string[] = []
  for (const source of sources) {
    const value = readSource(inv, source)
    if (!value) return undefined
    values.push(value)
  }
  return values
}

function readSource(inv: Invocation, { location, name }: IdentitySource): string | undefined | null {
  switch (location) {
    case 'header':
      return clientHeader(inv, name) ?? null
    case 'querystring': {
      const all = queryOf(inv).getAll(name)
      return all[all.length - 1]
    }
    case 'stageVariables':
      return Object.hasOwn(inv.stage.variables, name) ? inv.stage.variables[name] : undefined
    case 'context': {
      if (name === 'path') return `${inv.stage.name === '$default' ? '' : `/${inv.stage.name}`}${matchedPath(inv.method!.resourcePath, inv.pathParameters)}`
      let value: unknown = contextOf(inv)
      for (const key of name.split('.')) value = (value as Record<string, unknown> | null | undefined)?.[key]
      return value === undefined || value === null ? undefined : typeof value === 'object' ? JSON.stringify(value) : String(value)
    }
  }
}
