import { describe, expect, it } from 'vitest'
import { newConnectionId, shardOf } from '../../src/websocket/connection'

describe('connection ids', () => {
  it('name their shard, so @connections reaches the socket in one hop', () => {
    for (const shard of [0, 1, 15, 255, 256, 4095]) {
      const id = newConnectionId(shard)
      expect(id).toMatch(/^[A-Za-z0-9_-]{14}==$/)
      expect(shardOf(id)).toBe(shard)
    }
  })

  it('are random beyond the shard', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newConnectionId(7)))
    expect(ids.size).toBe(1000)
  })

  it('refuse malformed ids', () => {
    expect(shardOf('not an id')).toBeUndefined()
    expect(shardOf('AAAAAAAAAAAAAA=')).toBeUndefined()
    expect(shardOf('AAAAAAAAAAAAAA/=')).toBeUndefined()
  })
})
