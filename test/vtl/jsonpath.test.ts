import { describe, expect, it } from 'vitest'
import { evaluateJsonPath } from '../../src/vtl'

const doc = {
  store: {
    book: [
      { title: 'A', price: 8, tags: ['x'] },
      { title: 'B', price: 12 },
    ],
    'odd key': { 'a.b': 1, "it's": 2 },
    nothing: null,
  },
  list: [[1, 2], [3]],
}

describe('evaluateJsonPath, definite paths', () => {
  it('returns the root for $', () => {
    expect(evaluateJsonPath(doc, '$')).toBe(doc)
  })

  it('follows dot and bracket notation to one value', () => {
    expect(evaluateJsonPath(doc, '$.store.book[1].title')).toBe('B')
    expect(evaluateJsonPath(doc, "$['store']['book'][0]['price']")).toBe(8)
    expect(evaluateJsonPath(doc, '$["store"]["odd key"]["a.b"]')).toBe(1)
    expect(evaluateJsonPath(doc, "$.store['odd key']['it\\'s']")).toBe(2)
    expect(evaluateJsonPath(doc, '$.list[0][1]')).toBe(2)
  })

  it('counts a negative index from the end, as Jayway does', () => {
    expect(evaluateJsonPath(doc, '$.store.book[-1].title')).toBe('B')
  })

  it('is undefined for a missing key or index, and null for a JSON null', () => {
    expect(evaluateJsonPath(doc, '$.store.missing')).toBeUndefined()
    expect(evaluateJsonPath(doc, '$.store.book[5]')).toBeUndefined()
    expect(evaluateJsonPath(doc, '$.store.nothing')).toBeNull()
    expect(evaluateJsonPath(doc, '$.store.nothing.deeper')).toBeUndefined()
  })

  it('does not read JavaScript properties of strings, arrays or objects', () => {
    expect(evaluateJsonPath(doc, '$.store.book.length')).toBeUndefined()
    expect(evaluateJsonPath(doc, '$.store.book[0].title.length')).toBeUndefined()
    expect(evaluateJsonPath(doc, '$.store.constructor')).toBeUndefined()
    expect(evaluateJsonPath(doc, '$.store.book[0]')).toEqual({ title: 'A', price: 8, tags: ['x'] })
  })

  it('reads a path without $ from the root, as Jayway does', () => {
    expect(evaluateJsonPath(doc, 'store.book[0].title')).toBe('A')
  })

  it('reads primitive documents', () => {
    expect(evaluateJsonPath('text', '$')).toBe('text')
    expect(evaluateJsonPath(5, '$.a')).toBeUndefined()
  })
})

describe('evaluateJsonPath, indefinite paths', () => {
  it('returns the list of matches for a wildcard', () => {
    expect(evaluateJsonPath(doc, '$.store.book[*].title')).toEqual(['A', 'B'])
  })

  it('scans deeply with ..', () => {
    expect(evaluateJsonPath(doc, '$..price')).toEqual([8, 12])
  })

  it('applies filters without eval (Workers forbid it)', () => {
    expect(evaluateJsonPath(doc, '$.store.book[?(@.price > 10)].title')).toEqual(['B'])
  })

  it('returns an empty list when nothing matches', () => {
    expect(evaluateJsonPath(doc, '$.store.book[*].missing')).toEqual([])
  })
})
