import { compileTemplate, type Template } from '../vtl'

const cache = new Map<string, Template>()

/**
 * Templates are compiled once per distinct source and reused by every request;
 * the definitions build has already proven each one parses.
 */
export function templateFor(source: string): Template {
  let t = cache.get(source)
  if (!t) cache.set(source, (t = compileTemplate(source)))
  return t
}
