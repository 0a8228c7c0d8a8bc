import { describe, expect, it } from 'vitest'
import { page } from '../../../src/control-plane/aws/paging'
import { AwsError } from '../../../src/control-plane/aws/errors'

const ids = ['a', 'b', 'c', 'd', 'e']
const id = (s: string) => s

describe('position/limit paging (GetApiKeys, GetUsagePlans, …)', () => {
  it('walks every item once, a page at a time, and ends without a position', () => {
    const seen: string[] = []
    let position: string | undefined
    let pages = 0
    do {
      const p = page(ids, id, position, '2')
      seen.push(...p.item)
      position = p.position
      pages++
    } while (position && pages < 10)
    expect(seen).toEqual(ids)
    expect(pages).toBe(3)
  })

  it('answers 25 by default and everything in one page when it fits', () => {
    expect(page(ids, id, undefined, undefined)).toEqual({ item: ids })
  })

  it('refuses a limit outside 1–500 and a position it did not hand out with BadRequestException', () => {
    for (const limit of ['0', '501', '1.5', 'ten']) {
      expect(() => page(ids, id, undefined, limit)).toThrow(AwsError)
    }
    expect(() => page(ids, id, '%%%', '2')).toThrowError('Invalid position parameter')
    expect(() => page(ids, id, btoa('<script>'), '2')).toThrowError('Invalid position parameter')
  })

  it('goes on from where the next item would have been when that item was deleted meanwhile', () => {
    const first = page(ids, id, undefined, '2')
    expect(first.item).toEqual(['a', 'b'])
    const withoutC = ids.filter((i) => i !== 'c')
    expect(page(withoutC, id, first.position, '2')).toEqual({ item: ['d', 'e'] })
  })
})
