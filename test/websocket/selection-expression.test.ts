import { describe, expect, it } from 'vitest'
import { evaluateSelection, parseSelectionExpression } from '../../src/websocket/selection-expression'
import type { SelectionExpression } from '../../src/definitions/websocket-table'

const select = (source: string, body: string) => evaluateSelection(parseSelectionExpression(source) as SelectionExpression, body)
const message = '{"service":"chat","action":"join","tags":["a","b"]}'

describe('route selection expressions (the table of ../shared/spec §9.1)', () => {
  it('evaluates each documented form', () => {
    expect(select('$request.body.action', message)).toBe('join')
    expect(select('${request.body.action}', message)).toBe('join')
    expect(select('${request.body.service}/${request.body.action}', message)).toBe('chat/join')
    expect(select('${request.body.action}-${request.body.invalidPath}', message)).toBe('join-')
    expect(select('action', message)).toBe('action')
    expect(select('\\$default', message)).toBe('$default')
  })

  it('stringifies a list as [a, b]', () => {
    expect(select('$request.body.tags', message)).toBe('[a, b]')
  })

  it('selects nothing for a message that is not JSON, unless the expression is static', () => {
    expect(select('$request.body.action', 'hello')).toBeUndefined()
    expect(select('static', 'hello')).toBe('static')
  })

  it('refuses expressions that read anything but the message body', () => {
    expect(parseSelectionExpression('$request.header.x')).toHaveProperty('error')
    expect(parseSelectionExpression('${context.routeKey}')).toHaveProperty('error')
    expect(parseSelectionExpression('${request.body.a')).toHaveProperty('error')
  })
})
