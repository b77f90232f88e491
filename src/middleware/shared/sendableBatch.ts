import type { OutgoingOperation } from '../../adapters/types'
import { trieEach } from '../../core/trie'
import { mayHaveBeenSent } from '../../slices/outbox/operationLedger'
import type { OutboxState } from '../../slices/outboxState'
import type { Operation } from '../../types'
import type { SyncEngine } from '../syncHandler'
import { pendingOf } from './pendingRecords'

/**
 * The oldest sendable operations (the first unsettled one of each record, of the signed-in user, whose
 * retry time has come, that no pull in flight is asking about), at most `limit`, highest priority first; and the earliest retry time of the rest.
 * With one priority everywhere, sequence order is send order and the walk stops early.
 */
export function pickBatch(engine: SyncEngine, state: OutboxState, now: number, limit: number, distinctPriorities: boolean) {
  const root = engine.api.getState()
  const picked: Operation[] = []
  let earliest: number | null = null
  trieEach(state.ops, (op) => {
    // Another user's operation is never handed to the adapter.
    if (op.status !== 'pending' || op.userId !== state.userId) return
    // A pull in flight is asking the backend about it (confirmation by pull); the pull kicks the drain when done.
    if (engine.asking.has(op.id)) return
    if (op.nextAttemptAt !== null && op.nextAttemptAt > now) {
      if (earliest === null || op.nextAttemptAt < earliest) earliest = op.nextAttemptAt
      return
    }
    const head = pendingOf(engine, op, root)?.changes[0]
    if (head && head.seq !== op.seq) return
    // Server-assigned ids: it refers to a record whose create the server has not confirmed yet.
    if (engine.config.serverIds?.waits(op, root)) return
    picked.push(op)
    if (!distinctPriorities && picked.length === limit) return false
  })
  if (distinctPriorities) picked.sort((a, b) => b.priority - a.priority || a.seq - b.seq)
  return { batch: picked.slice(0, limit), earliest }
}

/** An operation as the adapter gets it. */
export function toOutgoing(engine: SyncEngine, op: Operation): OutgoingOperation {
  const entity = engine.config.entities.get(op.entity)
  const pending = pendingOf(engine, op)
  // The version the changes were made on, moved on by earlier confirmed operations of ours but not by
  // pulls: a change made on stale data must meet the server's newer version as a conflict. Where the
  // confirmed state holds no version (it was not stored: data of an earlier version after a crash),
  // the version stamped into the operation when it was made, never none; a create (also one sent
  // again after the server lost the record) has none.
  // An operation that may have been sent goes again with the base version it went with (stored with its
  // sent mark), a create too: Durability invariant 1, its body never changes. A restore may rebuild the
  // record on a confirmed state stored after the first send (its confirmation, the operation's record not
  // yet deleted: protocol chaos seeds 19 and 3005), and the server would refuse the key with another base
  // version (422).
  const version = pending?.madeOn?.[entity!.versionField]
  const baseVersion = mayHaveBeenSent(op) ? op.baseVersion : typeof version === 'number' || typeof version === 'string' ? version : op.kind === 'create' ? null : op.baseVersion
  const outgoing: OutgoingOperation = {
    id: op.id,
    entity: op.entity,
    recordId: op.recordId,
    kind: op.kind,
    data: op.data,
    baseVersion,
    attempts: op.attempts,
    enqueuedAt: op.enqueuedAt,
    userId: op.userId,
  }
  // Server-assigned ids: a create marked as such, references to records created since put to their server ids.
  return engine.config.serverIds ? engine.config.serverIds.outgoing(outgoing, engine.api.getState()) : outgoing
}
