import { badRequest } from './errors'

/**
 * AWS's `position`/`limit` paging over a list in a stable order: `position` is the opaque token of
 * the first item of the next page (here the item's id, base64url), absent on the last page.
 * `limit` defaults to 25 and may be at most 500, as AWS's.
 * @example const { item, position } = page(keys, (k) => k.id, c.req.query('position'), c.req.query('limit'))
 */
export function page<T>(items: T[], idOf: (item: T) => string, position: string | undefined, limit: string | undefined): { item: T[]; position?: string } {
  const size = limit === undefined ? 25 : Number(limit)
  if (!Number.isInteger(size) || size < 1 || size > 500) throw badRequest('Invalid limit: must be an integer from 1 to 500')
  let start = 0
  if (position !== undefined) {
    const id = decode(position)
    start = id === undefined ? -1 : items.findIndex((i) => idOf(i) === id)
    if (start === -1) throw badRequest('Invalid position parameter')
  }
  const item = items.slice(start, start + size)
  const next = items[start + size]
  return next === undefined ? { item } : { item, position: btoa(idOf(next)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') }
}

function decode(position: string): string | undefined {
  try {
    return atob(position.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    return undefined
  }
}
