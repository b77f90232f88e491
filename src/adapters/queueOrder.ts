import type { EntityId } from '../core/types'
import { idPath, trieGet, trieValues, type Trie } from '../core/trie'
import type { OutgoingOperation } from './types'

/** What a queue entity's slice holds of its pending records: each one's changes, oldest first, by seq. */
type PendingQueue = Trie<{ id: EntityId; changes: ReadonlyArray<{ seq: number }> }>

/**
 * A batch of a queue entity's operations (rtk-offline/redux-offline's queued effects, rtk-offline/query's
 * queued mutations) in queue order, and whether it is held back: the engine sends one operation per
 * record in parallel, and each queued item is a record of its own, so the queue's order is kept by its
 * adapter. `older` is true when an item queued before all of the batch and not in it is still waiting
 * (not `answered` this session): the batch waits for it, in order.
 */
export function queueOrder(
  ops: readonly OutgoingOperation[],
  rootState: unknown,
  entity: string,
  answered: { has(id: string): boolean },
): { order: Array<{ op: OutgoingOperation; index: number }>; older: boolean } {
  const pending = (rootState as Record<string, { pending?: PendingQueue } | undefined> | undefined)?.[entity]?.pending ?? {}
  const seqOf = (id: EntityId) => trieGet(pending, idPath(id))?.changes[0]?.seq ?? Infinity
  const order = ops.map((op, index) => ({ op, index, seq: seqOf(op.recordId) })).sort((a, b) => a.seq - b.seq)
  const inBatch = new Set(ops.map((op) => String(op.recordId)))
  const first = order[0]?.seq ?? Infinity
  const older = trieValues(pending).some(
    (entry) => !inBatch.has(String(entry.id)) && !answered.has(String(entry.id)) && (entry.changes[0]?.seq ?? Infinity) < first,
  )
  return { order, older }
}
