import { describe, expect, it } from 'vitest'
import { readMeta } from '../../src/persist/storedShapes'

const meta = { v: 1, nextSeq: 3, conflicts: [], cursors: {} }

describe('server-assigned ids in stored metadata (Durability invariant 5: nothing trusted)', () => {
  it('reads the pairs back as stored', () => {
    expect(readMeta({ ...meta, ids: { lists: { 'tmp-1': '7', 'tmp-2': 8 } } })).toEqual({
      meta: { ...meta, ids: { lists: { 'tmp-1': '7', 'tmp-2': 8 } } },
      dropped: [],
    })
  })

  it("drops an entity's pairs that are not pairs of ids, keeps the rest and says so", () => {
    expect(readMeta({ ...meta, ids: { lists: { 'tmp-1': '7' }, items: { 'tmp-2': { id: 1 } }, tags: 'no' } })).toEqual({
      meta: { ...meta, ids: { lists: { 'tmp-1': '7' } } },
      dropped: ['malformed server-assigned ids'],
    })
    expect(readMeta({ ...meta, ids: [] })).toEqual({ meta: { ...meta, ids: {} }, dropped: ['malformed server-assigned ids'] })
  })

  it('stores nothing for an outbox that never had one', () => {
    expect(readMeta(meta)).toEqual({ meta, dropped: [] })
  })
})
