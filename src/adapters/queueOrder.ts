import type { EntityId } from '../core/types'
import { idPath, trieGet, trieValues, type Trie } from '../core/trie'
import type { OutgoingOperation } from './types'

/** What a queue entity's slice holds of its pending records: each one's changes, oldest first, by seq. */
type PendingQueue = Trie<{ id: EntityId; changes: ReadonlyArray<{ seq: number }> }>

/**
 * A batch of a queue entity's operations (rtk-offline/redux-offline's queued effects, rtk-offline/query's
 * queued mutations) in queue order, and where it is held back: the engine sends one operation per record
 * in parallel, and each queued item is a record of its own, so the queue's order is kept by its adapter.
 * `waitFrom` is the first position in `order` behind an item that is not in the batch and still waiting
 * (not `answered` this session): it and everything after it wait for that item, in order; 0: the whole
 * batch waits. Not only the first item: after a reload the engine sends what
 * is due (an item never tried) while an older item waits for its retry time, and the batch may mix items
 * from before and after the one waiting.
 */
export function queueOrder(
  ops: readonly OutgoingOperation[],
  rootState: unknown,
  entity: string,
  answered: { has(id: string): boolean },
): { order: Array<{ op: OutgoingOperation; index: number }>; waitFrom: number } {
  const pending = (rootState as Record<string, { pending?: PendingQueue } | undefined> | undefined)?.[entity]?.pending ?? {}
  const seqOf = (id: EntityId) => trieGet(pending, idPath(id))?.changes[0]?.seq ?? Infinity
  const order = ops.map((op, index) => ({ op, index, seq: seqOf(op.recordId) })).sort((a, b) => a.seq - b.seq)
  const inBatch = new Set(ops.map((op) => String(op.recordId)))
  let oldestWaiting = Infinity
  for (const entry of trieValues(pending))
    if (!inBatch.has(String(entry.id)) && !answered.has(String(entry.id))) oldestWaiting = Math.min(oldestWaiting, entry.changes[0]?.seq ?? Infinity)
  const behind = order.findIndex((item) => item.seq > oldestWaiting)
  const waitFrom = behind < 0 ? order.length : behind
  return { order, waitFrom }
}
