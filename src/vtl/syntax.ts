import { parse } from 'velocityjs'
import { TemplateSyntaxError } from './errors'
import { toSyntaxError } from './syntax-error'
import { isNode, type NodePosition, type VtlItem, type VtlNode } from './velocity-internals'

/** A template parsed once: its nodes, and each interpolated string literal parsed ahead of rendering. */
export interface ParsedTemplate {
  nodes: VtlItem[]
  interpolations: WeakMap<VtlNode, VtlItem[]>
}

/**
 * Parses a template with velocityjs and checks what velocityjs lets through but Velocity rejects: an
 * unmatched `#end`, a block without `#end`, `#else` outside `#if`. Double-quoted strings that interpolate
 * (`"$.records[${idx}]"`) are parsed here too, so rendering never parses.
 *
 * @example
 * parseTemplate('#if($a)x#end').nodes // [[{ type: 'if', ... }, 'x']]
 */
export function parseTemplate(source: string): ParsedTemplate {
  const interpolations = new WeakMap<VtlNode, VtlItem[]>()
  return { nodes: parseChecked(source, interpolations), interpolations }
}

function parseChecked(source: string, interpolations: WeakMap<VtlNode, VtlItem[]>, at?: NodePosition): VtlItem[] {
  let nodes: VtlItem[]
  try {
    nodes = parse(source) as unknown as VtlItem[]
    checkBlocks(source, nodes)
  } catch (error) {
    const syntaxError = error instanceof TemplateSyntaxError ? error : toSyntaxError(error, source)
    if (!syntaxError) throw error
    if (!at) throw syntaxError
    throw new TemplateSyntaxError(`in a string literal: ${syntaxError.detail}`, at.first_line, at.first_column + 1)
  }
  prepareList(nodes, 0, false, interpolations, at)
  return nodes
}

// velocityjs silently drops everything after an unmatched #end and renders a block without #end twice.
// Parsing the template wrapped in one more block, followed by `#end#break`, shows both: when the
// template is balanced, the wrapper is closed by that #end and the probe #break follows it at the top.
const PROBE_PREFIX = '#if(true)'

function checkBlocks(source: string, nodes: VtlItem[]): void {
  const probeLine = (source.match(/\r\n?|\n/g)?.length ?? 0) + 2
  const probe = parse(`${PROBE_PREFIX}${source}\n#end#break`, undefined, false) as unknown as VtlItem[]
  const found = findProbeBreak(probe, probeLine)
  if (!found) {
    const { line, column } = strayEndPosition(source, nodes)
    throw new TemplateSyntaxError('#end without a matching block', line, column)
  }
  if (found.list === probe && found.index === 1) return
  const unclosed = found.list[found.index - 1]
  const header = Array.isArray(unclosed) && isNode(unclosed[0]) ? unclosed[0] : undefined
  const pos = header?.pos ?? { first_line: 1, first_column: PROBE_PREFIX.length }
  const column = pos.first_line === 1 ? pos.first_column - PROBE_PREFIX.length : pos.first_column
  throw new TemplateSyntaxError(`#${header?.type ?? 'block'} without a matching #end`, pos.first_line, column + 1)
}

function findProbeBreak(list: VtlItem[], line: number): { list: VtlItem[]; index: number } | undefined {
  for (let index = 0; index < list.length; index++) {
    const item = list[index]
    if (isNode(item) && item.type === 'break' && item.pos?.first_line === line) return { list, index }
    const found = Array.isArray(item) ? findProbeBreak(item, line) : undefined
    if (found) return found
  }
  return undefined
}

/**
 * Every block before the stray #end was closed by one #end of its own, so the stray one is the next:
 * number of blocks + 1. Escaped `\#end` is text and does not count.
 */
function strayEndPosition(source: string, nodes: VtlItem[]): { line: number; column: number } {
  let remaining = countBlocks(nodes) + 1
  let offset = -1
  while (remaining > 0) {
    offset = source.indexOf('#end', offset + 1)
    if (offset < 0) break
    if (source[offset - 1] !== '\\') remaining--
  }
  if (offset < 0) offset = source.length
  const before = source.slice(0, offset)
  const line = (before.match(/\r\n?|\n/g)?.length ?? 0) + 1
  return { line, column: offset - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) }
}

function countBlocks(list: VtlItem[]): number {
  return list.reduce<number>((count, item) => count + (Array.isArray(item) ? 1 + countBlocks(item) : 0), 0)
}

function prepareList(list: VtlItem[], start: number, inIf: boolean, interpolations: WeakMap<VtlNode, VtlItem[]>, at?: NodePosition): void {
  let seenElse = false
  for (let i = start; i < list.length; i++) {
    const item = list[i]
    if (typeof item === 'string') {
      replaceBareStop(list, i)
    } else if (Array.isArray(item)) {
      const header = item[0]
      if (isNode(header)) prepareNode(header, interpolations, header.pos ?? at)
      prepareList(item, 1, isNode(header) && header.type === 'if', interpolations, at)
    } else {
      if (item.type === 'else' || item.type === 'elseif') {
        if (!inIf || seenElse) throw misplaced(item, at)
        seenElse = item.type === 'else'
      }
      prepareNode(item, interpolations, item.pos ?? at)
    }
  }
}

function misplaced(node: VtlNode, at?: NodePosition): TemplateSyntaxError {
  const pos = node.pos ?? at ?? { first_line: 1, first_column: 0 }
  return new TemplateSyntaxError(`#${node.type} outside an #if block`, pos.first_line, pos.first_column + 1)
}

/**
 * velocityjs's grammar only knows `#stop()`; a bare `#stop` comes out as the texts `#s` and `top...`.
 * Velocity treats it as the directive, so it becomes the same node `#stop()` produces.
 */
function replaceBareStop(list: VtlItem[], i: number): void {
  const next = list[i + 1]
  if (list[i] !== '#s' || typeof next !== 'string' || !/^top(?![A-Za-z0-9_])/.test(next)) return
  list.splice(i, 2, { type: 'macro_call', id: 'stop', args: [] }, next.slice(3))
}

/** Finds interpolating string literals anywhere in a node's expressions and parses them now. */
function prepareNode(node: unknown, interpolations: WeakMap<VtlNode, VtlItem[]>, at?: NodePosition): void {
  if (Array.isArray(node)) {
    for (const item of node) prepareNode(item, interpolations, at)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const candidate = node as VtlNode
  if (candidate.type === 'string' && candidate.isEval && typeof candidate.value === 'string' && /[$#]/.test(candidate.value)) {
    interpolations.set(candidate, parseChecked(candidate.value, interpolations, at))
    return
  }
  for (const [key, value] of Object.entries(candidate)) if (key !== 'pos') prepareNode(value, interpolations, at)
}
