import { TemplateRenderError } from './errors'
import { javaEquals, javaToString } from './java-values'
import { LIMITS } from './limits'

/**
 * Velocity 1.7's binary operators. Arithmetic and ordering need two numbers and give null otherwise;
 * `+` with a non-number concatenates; division of two integers is integer division; dividing by zero
 * gives null. Velocity logs these cases and carries on, and so does this.
 *
 * @example
 * binaryOperation('/', 7, 2) // 3
 * binaryOperation('==', null, '') // true
 */
export function binaryOperation(operator: string, left: unknown, right: unknown): unknown {
  if (operator === '==') return javaEquals(left, right)
  if (operator === '!=') return !javaEquals(left, right)
  if (operator === '+' && (typeof left === 'string' || typeof right === 'string')) return concat(left, right)
  if (typeof left !== 'number' || typeof right !== 'number') return Object.hasOwn(ORDERING, operator) ? false : undefined
  if (Object.hasOwn(ORDERING, operator)) return ORDERING[operator](left, right)
  switch (operator) {
    case '+':
      return left + right
    case '-':
      return left - right
    case '*':
      return left * right
    case '/':
      if (right === 0) return undefined
      return Number.isInteger(left) && Number.isInteger(right) ? Math.trunc(left / right) : left / right
    case '%':
      return right === 0 ? undefined : left % right
    default:
      return undefined
  }
}

const ORDERING: Record<string, (left: number, right: number) => boolean> = {
  '<': (left, right) => left < right,
  '>': (left, right) => left > right,
  '<=': (left, right) => left <= right,
  '>=': (left, right) => left >= right,
}

/**
 * Unary minus: numbers only.
 *
 * @example
 * negate('1') // undefined
 */
export function negate(value: unknown): unknown {
  return typeof value === 'number' ? -value : undefined
}

function concat(left: unknown, right: unknown): string | undefined {
  if (left === null || left === undefined || right === null || right === undefined) return undefined
  const joined = javaToString(left) + javaToString(right)
  if (joined.length > LIMITS.outputBytes) {
    throw new TemplateRenderError(`a string grew beyond the ${LIMITS.outputBytes}-byte payload limit`)
  }
  return joined
}
