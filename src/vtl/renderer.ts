import { Helper } from 'velocityjs'
import { TemplateRenderError } from './errors'
import { callJavaMethod, javaIndex, javaProperty } from './java-methods'
import { isMap, javaString, javaTruthy, markJavaList } from './java-values'
import { LIMITS } from './limits'
import { binaryOperation, negate } from './operators'
import type { ParsedTemplate } from './syntax'
import { VelocityCompile, isNode, type VtlItem, type VtlNode } from './velocity-internals'

/**
 * One render of a parsed template: velocityjs's interpreter with the semantics AWS's Java Velocity has
 * where the two differ (rendering, equality, truth, property and method lookup, `#break`), plus AWS's
 * limits. A renderer holds per-render state, so each render gets a new one; the nodes are shared.
 */
export class Renderer extends VelocityCompile {
  #iterations = 0
  #macroDepth = 0
  #loops = 0
  readonly #interpolations: WeakMap<VtlNode, VtlItem[]>

  constructor(template: ParsedTemplate) {
    super(template.nodes, { escape: false })
    this.#interpolations = template.interpolations
  }

  override renderAstList(asts: VtlItem[] = this.asts, contextId?: string): string {
    if (contextId) {
      if (contextId !== this.contextId && !this.conditions.includes(contextId)) this.conditions.unshift(contextId)
      this.contextId = contextId
    } else {
      this.contextId = ''
    }
    let out = ''
    for (const ast of asts) {
      // velocityjs only checks #break between loop iterations; Velocity leaves the loop body at once.
      if (this.runState.stop || this.runState.break) break
      if (typeof ast === 'string') out += ast
      else if (Array.isArray(ast)) out += this.getBlock(ast)
      else if (ast.type === 'references') out += javaString(this.getReferences(ast, false))
      else if (ast.type === 'set') this.setValue(ast)
      else if (ast.type === 'break') this.runState.break = true
      else if (ast.type === 'macro_call') out += this.getMacro(ast)
      else if (ast.type === 'raw') out += String(ast.value)
      checkSize(out.length)
    }
    return out
  }

  override getBlockIf(block: VtlItem[]): string {
    const chosen: VtlItem[] = []
    let taken = false
    for (const ast of block) {
      const branch = isNode(ast) && (ast.type === 'if' || ast.type === 'elseif' || ast.type === 'else')
      if (!branch) {
        if (taken) chosen.push(ast)
        continue
      }
      if (taken) break
      taken = ast.type === 'else' || javaTruthy(this.getExpression(ast.condition as VtlNode))
    }
    return this.renderAstList(chosen, this.contextId)
  }

  override getBlockEach(block: VtlItem[]): string {
    const header = block[0] as VtlNode
    const from = this.getLiteral(header.from as VtlNode)
    // Velocity iterates a Map's values and skips anything that is not a collection.
    const items = Array.isArray(from) ? from : isMap(from) ? Object.values(from) : []
    if (items.length === 0) return ''
    const body = block.slice(1)
    const contextId = `foreach:${++this.#loops}`
    const local: Record<string, unknown> = {}
    let out = ''
    for (let index = 0; index < items.length && !this.runState.break && !this.runState.stop; index++) {
      // AWS documents 1000 iterations as the #foreach limit. Velocity's own cap (directive.foreach.maxloops)
      // would silently drop the rest of the list; an integration that receives a truncated but well-formed
      // payload cannot tell anything is missing, so the render fails and the caller answers with a 5XX.
      if (index >= LIMITS.foreachIterations) {
        throw new TemplateRenderError(`#foreach exceeded ${LIMITS.foreachIterations} iterations (AWS limit)`)
      }
      if (++this.#iterations > LIMITS.iterationsPerRender) {
        throw new TemplateRenderError(`template exceeded ${LIMITS.iterationsPerRender} loop iterations in one render`)
      }
      const hasNext = index + 1 < items.length
      local[String(header.to)] = items[index]
      local.foreach = { index, count: index + 1, hasNext, first: index === 0, last: !hasNext }
      local.velocityCount = index + 1
      local.velocityHasNext = hasNext
      this.local[contextId] = local
      out += this.renderAstList(body, contextId)
      checkSize(out.length)
    }
    this.runState.break = false
    this.local[contextId] = {}
    this.conditions.shift()
    this.contextId = this.conditions[0] ?? ''
    return out
  }

  override getExpression(ast: VtlNode): unknown {
    if (ast.type !== 'math') return this.getLiteral(ast)
    const [left, right] = ast.expression as VtlNode[]
    switch (ast.operator) {
      case '&&':
        return javaTruthy(this.getExpression(left)) && javaTruthy(this.getExpression(right))
      case '||':
        return javaTruthy(this.getExpression(left)) || javaTruthy(this.getExpression(right))
      case 'not':
        return !javaTruthy(this.getExpression(left))
      case 'parenthesis':
        return this.getExpression(left)
      case 'minus':
        return negate(this.getExpression(left))
      default:
        return binaryOperation(String(ast.operator), this.getExpression(left), this.getExpression(right))
    }
  }

  override getAttributes(property: VtlNode, baseRef: unknown): unknown {
    if (baseRef === null || baseRef === undefined) return undefined
    if (property.type === 'method') return this.getPropMethod(property, baseRef)
    if (property.type === 'property') return javaProperty(baseRef, String(property.id))
    return this.getPropIndex(property, baseRef)
  }

  override getPropIndex(property: VtlNode, baseRef: unknown): unknown {
    return javaIndex(baseRef, this.getLiteral(property.id as VtlNode))
  }

  override getPropMethod(property: VtlNode, baseRef: unknown): unknown {
    const args = Array.isArray(property.args) ? property.args.map((arg: VtlNode) => this.getLiteral(arg)) : []
    return callJavaMethod(baseRef, String(property.id), args)
  }

  override getArray(literal: VtlNode): unknown {
    const values = literal.value as Array<VtlNode | string | number>
    if (!literal.isRange) return markJavaList(values.map((value) => this.getLiteral(value as VtlNode)))
    const [begin, end] = values.map((value) => (typeof value === 'object' ? this.getReferences(value) : Number(value)))
    // Velocity's range needs two integers; anything else is null.
    if (!Number.isInteger(begin) || !Number.isInteger(end)) return undefined
    const [from, to] = [begin as number, end as number]
    if (Math.abs(to - from) >= LIMITS.rangeSize) {
      throw new TemplateRenderError(`range [${from}..${to}] is larger than ${LIMITS.rangeSize} elements`)
    }
    const step = from <= to ? 1 : -1
    return markJavaList(Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => from + i * step))
  }

  override getString(literal: VtlNode): unknown {
    const interpolated = this.#interpolations.get(literal)
    return interpolated ? this.renderAstList(interpolated, this.contextId) : literal.value
  }

  // Interpolated strings were parsed with the template; a parse here would be a bug, not a slow path.
  override evalStr(): string {
    throw new Error('vtl: a string was about to be parsed while rendering')
  }

  override eval(str: string | VtlItem[], local?: object, contextId?: string): string {
    if (typeof str === 'string') return this.evalStr()
    return super.eval(str, local, contextId)
  }

  override getMacro(ast: VtlNode, bodyContent?: string): string {
    if (ast.id === 'stop') {
      this.runState.stop = true
      return ''
    }
    // Velocity writes a call to an unknown macro out as text, and #evaluate/#parse/#include are not offered.
    if (!Object.hasOwn(this.macrosStore, String(ast.id))) return macroCallText(ast)
    if (++this.#macroDepth > LIMITS.macroDepth) {
      throw new TemplateRenderError(`macro calls nested deeper than ${LIMITS.macroDepth}`)
    }
    try {
      return super.getMacro(ast, bodyContent)
    } finally {
      this.#macroDepth--
    }
  }
}

/** The source text of a macro call, e.g. `#missing(1)`, rebuilt by velocityjs from the node. */
function macroCallText(ast: VtlNode): string {
  return Helper.getRefText(ast as unknown as Parameters<typeof Helper.getRefText>[0])
}

function checkSize(chars: number): void {
  // A UTF-16 unit is at least one UTF-8 byte, so more characters than the byte limit is always too much.
  if (chars > LIMITS.outputBytes) {
    throw new TemplateRenderError(`template output exceeds the ${LIMITS.outputBytes}-byte payload limit`)
  }
}
