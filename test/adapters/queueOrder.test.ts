import { describe, expect, it } from 'vitest'
import { queueOrder } from '../../src/adapters/queueOrder'
import type { OutgoingOperation } from '../../src/adapters/types'
import { idPath, trieSet, type Trie } from '../../src/core/trie'

type Entry = { id: string; changes: Array<{ seq: number }> }

/** A queue entity's state: one pending record per queued item, its first change at `seq`. */
function queueState(items: Array<[string, number]>) {
  const pending: Trie<Entry> = {}
  for (const [id, seq] of items) trieSet(pending, idPath(id), { id, changes: [{ seq }] })
  return { queue: { pending } }
}

const op = (recordId: string) => ({ id: `op-${recordId}`, recordId, entity: 'queue', kind: 'create' }) as unknown as OutgoingOperation

describe('queueOrder: where a batch of queued items is held back behind an older one still waiting', () => {
  it('sorts the batch by queue order, and waits from the first item behind an older item not in it', () => {
    // a (1), b (2) and d (4) are due; c (3) waits for its retry time after a reload: d must not go before it.
    const state = queueState([['a', 1], ['b', 2], ['c', 3], ['d', 4]])
    const { order, waitFrom } = queueOrder([op('d'), op('a'), op('b')], state, 'queue', new Set())
    expect(order.map((item) => item.op.recordId)).toEqual(['a', 'b', 'd'])
    expect(order.map((item) => item.index)).toEqual([1, 2, 0])
    expect(waitFrom).toBe(2)
  })

  it('waits from the start when the oldest item waits, and not at all when nothing older waits', () => {
    const state = queueState([['a', 1], ['b', 2], ['c', 3]])
    expect(queueOrder([op('b'), op('c')], state, 'queue', new Set()).waitFrom).toBe(0)
    expect(queueOrder([op('a'), op('b')], state, 'queue', new Set()).waitFrom).toBe(2)
  })

  it('an older item answered this session (its settlement on its way) does not hold the batch back', () => {
    const state = queueState([['a', 1], ['b', 2]])
    expect(queueOrder([op('b')], state, 'queue', new Set(['a'])).waitFrom).toBe(1)
  })
})
