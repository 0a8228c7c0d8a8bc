import { badRequest } from './errors'

/**
 * AWS's `position`/`limit` paging over a list sorted by id: `position` is the opaque token of the
 * first item of the next page (its id, base64url), absent on the last page. An item deleted
 * between pages does not break the walk: the next page starts at the first id not before it.
 * `limit` defaults to 25 and may be at most 500, as AWS's.
 * @example const { item, position } = page(keys, (k) => k.id, c.req.query('position'), c.req.query('limit'))
 */
export function page<T>(sortedById: T[], idOf: (item: T) => string, position: string | undefined, limit: string | undefined): { item: T[]; position?: string } {
  const size = limit === undefined ? 25 : Number(limit)
  if (!Number.isInteger(size) || size < 1 || size > 500) throw badRequest('Invalid limit: must be an integer from 1 to 500')
  let start = 0
  if (position !== undefined) {
    const id = decode(position)
    if (id === undefined) throw badRequest('Invalid position parameter')
    start = sortedById.findIndex((i) => idOf(i) >= id)
    if (start === -1) start = sortedById.length
  }
  const item = sortedById.slice(start, start + size)
  const next = sortedById[start + size]
  return next === undefined ? { item } : { item, position: btoa(idOf(next)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') }
}

/** The id a position names; undefined for anything this gateway would not have handed out. */
function decode(position: string): string | undefined {
  try {
    const id = atob(position.replace(/-/g, '+').replace(/_/g, '/'))
    return /^[\w.-]+$/.test(id) ? id : undefined
  } catch {
    return undefined
  }
}
