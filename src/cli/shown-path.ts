import { isAbsolute, relative, resolve } from 'node:path'

/**
 * A path as every `gateway` message shows it, one form for error lines and summaries alike:
 * relative to the working folder when inside it, else absolute.
 * @example shownPath('/work/app/routes/a.yaml') // 'routes/a.yaml' in /work/app; '/tmp/x' stays '/tmp/x'
 */
export function shownPath(path: string): string {
  const inside = relative(process.cwd(), resolve(path))
  if (inside === '') return '.'
  return inside.startsWith('..') || isAbsolute(inside) ? resolve(path) : inside
}
