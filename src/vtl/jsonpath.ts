import { JSONPath } from 'jsonpath-plus'
import { isMap } from './java-values'

type Step = string | number

/**
 * Evaluates a JSONPath the way AWS's Jayway JsonPath does. A definite path (`$.a.b`, `$['a'][0]`) yields
 * the value it names, or `undefined` when a step is missing; an indefinite one (wildcards, `..`, filters,
 * slices, unions) yields the list of matches, which may be empty. A path without `$` is read relative to
 * the root, as Jayway does.
 *
 * @example
 * evaluateJsonPath({ a: [{ b: 1 }] }, '$.a[0].b') // 1
 * evaluateJsonPath({ a: [{ b: 1 }, { b: 2 }] }, '$.a[*].b') // [1, 2]
 */
export function evaluateJsonPath(document: unknown, path: string): unknown {
  const rooted = rootPath(path.trim())
  const steps = definiteSteps(rooted)
  if (steps) return walk(document, steps)
  if (document === null || typeof document !== 'object') return []
  try {
    return JSONPath({ path: rooted, json: document, wrap: true, eval: 'safe', ignoreEvalErrors: true }) ?? []
  } catch {
    return undefined
  }
}

function rootPath(path: string): string {
  if (path.startsWith('$')) return path
  if (path.startsWith('@')) return `$${path.slice(1)}`
  return path.startsWith('[') ? `$${path}` : `$.${path}`
}

function walk(document: unknown, steps: Step[]): unknown {
  let node = document
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined
      node = node[step < 0 ? node.length + step : step]
    } else {
      if (!isMap(node) || !Object.hasOwn(node, step)) return undefined
      node = node[step]
    }
    if (node === undefined) return undefined
  }
  return node
}

/** Splits `$.a['b'][0]` into steps, or returns null when the path is indefinite or not one we can read. */
function definiteSteps(path: string): Step[] | null {
  const steps: Step[] = []
  let i = 1
  while (i < path.length) {
    if (path[i] === '.') {
      if (path[i + 1] === '.') return null
      const end = nextDelimiter(path, i + 1)
      const name = path.slice(i + 1, end)
      if (name === '' || name === '*' || name.includes('(')) return null
      steps.push(name)
      i = end
    } else if (path[i] === '[') {
      const step = bracketStep(path, i)
      if (!step) return null
      steps.push(step.value)
      i = step.end
    } else {
      return null
    }
  }
  return steps
}

function nextDelimiter(path: string, from: number): number {
  for (let i = from; i < path.length; i++) if (path[i] === '.' || path[i] === '[') return i
  return path.length
}

function bracketStep(path: string, open: number): { value: Step; end: number } | null {
  const quote = path[open + 1]
  if (quote === "'" || quote === '"') {
    let name = ''
    let i = open + 2
    for (; i < path.length && path[i] !== quote; i++) {
      if (path[i] === '\\' && i + 1 < path.length) i++
      name += path[i]
    }
    return path[i + 1] === ']' ? { value: name, end: i + 2 } : null
  }
  const close = path.indexOf(']', open)
  const index = path.slice(open + 1, close).trim()
  return close > 0 && /^-?\d+$/.test(index) ? { value: Number(index), end: close + 1 } : null
}
