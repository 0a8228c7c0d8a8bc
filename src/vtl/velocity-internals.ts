import { Compile } from 'velocityjs'

/** Where a node starts and ends in the source; lines are 1-based, columns 0-based (jison's convention). */
export interface NodePosition {
  first_line: number
  first_column: number
  last_line?: number
  last_column?: number
}

/** A parsed node as velocityjs produces it. Only `type` is common to all; the rest depends on the type. */
export interface VtlNode {
  type: string
  pos?: NodePosition
  [field: string]: unknown
}

/** Text, a node, or a block: `[header, ...children]` for #if, #foreach, #macro, #define. */
export type VtlItem = string | VtlNode | VtlItem[]

/**
 * The part of velocityjs's `Compile` this engine hooks into. velocityjs assembles `Compile` from mixins, so
 * its published types omit most of these methods; the engine overrides them to give Java semantics.
 */
export interface VelocityRuntime {
  context: Record<string, unknown>
  macros: Record<string, unknown>
  macrosStore: Record<string, unknown>
  local: Record<string, Record<string, unknown>>
  conditions: string[]
  contextId: string
  runState: { stop: boolean; break: boolean }
  asts: VtlItem[]
  render(context: object, macros?: object, silence?: boolean): string
  renderAstList(asts?: VtlItem[], contextId?: string): string
  getReferences(ast: VtlNode, isVal?: boolean): unknown
  getLiteral(ast: VtlNode): unknown
  getExpression(ast: VtlNode): unknown
  getBlock(block: VtlItem[]): string
  getBlockIf(block: VtlItem[]): string
  getBlockEach(block: VtlItem[]): string
  getMacro(ast: VtlNode, bodyContent?: string): string
  getAttributes(property: VtlNode, baseRef: unknown, ast: VtlNode): unknown
  getPropIndex(property: VtlNode, baseRef: unknown): unknown
  getPropMethod(property: VtlNode, baseRef: unknown, ast: VtlNode): unknown
  getString(literal: VtlNode): unknown
  getArray(literal: VtlNode): unknown
  evalStr(str: string): string
  eval(str: string | VtlItem[], local?: object, contextId?: string): string
  setValue(ast: VtlNode): void
}

export const VelocityCompile = Compile as unknown as new (asts: VtlItem[], config?: object) => VelocityRuntime

/**
 * Whether a parsed item is a node rather than text or a block.
 *
 * @example
 * isNode(parse('$a')[0]) // true
 */
export function isNode(item: VtlItem | undefined): item is VtlNode {
  return typeof item === 'object' && item !== null && !Array.isArray(item)
}
