import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createLineWriter, maxBufferedLines } from '../../src/observe/access-log/writer'

describe('the access-log line writer', () => {
  it('writes the lines of many requests in one batch once the first request\'s timer fires', async () => {
    const writes: string[] = []
    const writeLine = createLineWriter((text) => writes.push(text))
    const first = createExecutionContext()
    writeLine('one', first, 1_000)
    writeLine('two', createExecutionContext(), 1_001)
    writeLine('three', createExecutionContext(), 1_002)
    expect(writes).toEqual([])
    await waitOnExecutionContext(first)
    expect(writes).toEqual(['one\ntwo\nthree'])
  })

  it('writes at once when the buffer is full, or when there is no execution context to wait on', async () => {
    const writes: string[] = []
    const writeLine = createLineWriter((text) => writes.push(text))
    const ctx = createExecutionContext()
    for (let i = 0; i < maxBufferedLines; i++) writeLine(`line ${i}`, ctx, 1_000)
    expect(writes).toHaveLength(1)
    expect(writes[0].split('\n')).toHaveLength(maxBufferedLines)
    writeLine('alone', undefined, 1_000)
    expect(writes.at(-1)).toBe('alone')
    await waitOnExecutionContext(ctx)
    expect(writes).toHaveLength(2)
  })
})
