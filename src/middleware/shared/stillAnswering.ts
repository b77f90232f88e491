import { seqPath, trieGet } from '../../core/trie'
import type { Settlement } from '../../slices/actions'
import type { OutboxState } from '../../slices/outboxState'

/**
 * Durability invariant 4 (an answer is applied only to the operation it answers): keeps the results
 * whose operation is still at its seq, under the same id, and of the signed-in user. The reducers
 * check the same; filtering here keeps every slice agreeing on what was settled.
 */
export function stillAnswering(state: OutboxState, results: Settlement[]): Settlement[] {
  return results.filter((result) => {
    const op = trieGet(state.ops, seqPath(result.seq))
    return op !== undefined && op.id === result.opId && op.userId === state.userId
  })
}
