import type { EntityId } from '@reduxjs/toolkit'
import { idPath, seqPath, trieEach, trieGet } from '../core/trie'
import type { Settlement } from '../slices/actions'
import type { EntityInternals } from '../slices/createSyncedEntity'
import type { OutboxState } from '../slices/outboxState'
import type { Operation } from '../types'

/**
 * The settlements of a batch of answers, adjusted for server-assigned ids:
 * - a confirmed create of an entity with `serverIds` whose record carries another id names that id as
 *   `recordId` and the temporary one as `localId` (the reducers move the record before settling it);
 * - a refused create of such an entity fails, with it, every queued operation whose reference field names
 *   its temporary id (and that record's later operations, and what refers to a record created so, in
 *   turn): they were waiting for the create and can never be sent. Their reason names the create.
 */
export function settleAssigned(
  results: Settlement[],
  outbox: OutboxState,
  rootState: unknown,
  entities: ReadonlyMap<string, EntityInternals>,
  fieldsOf: (entity: string) => ReadonlyArray<readonly [string, string]>,
): Settlement[] {
  const refused: Array<{ entity: string; id: EntityId; reason: string }> = []
  const adjusted = results.map((result) => {
    const entity = entities.get(result.entity)
    if (!entity?.serverIds || (result.type !== 'confirmed' && result.type !== 'failed')) return result
    const op = trieGet(outbox.ops, seqPath(result.seq))
    if (!op || op.id !== result.opId || op.kind !== 'create') return result
    if (result.type === 'failed') {
      refused.push({ entity: result.entity, id: op.recordId, reason: result.error.message })
      return result
    }
    if (!result.record) return result
    const serverId = entity.selectId(result.record)
    if ((typeof serverId !== 'string' && typeof serverId !== 'number') || String(serverId) === String(op.recordId)) return result
    return { ...result, recordId: serverId, localId: op.recordId }
  })
  if (refused.length === 0) return adjusted
  return [...adjusted, ...failWaiting(refused, adjusted, outbox, rootState, entities, fieldsOf)]
}

/** Failed settlements of the operations waiting for the refused creates, transitively. */
function failWaiting(
  refused: Array<{ entity: string; id: EntityId; reason: string }>,
  results: readonly Settlement[],
  outbox: OutboxState,
  rootState: unknown,
  entities: ReadonlyMap<string, EntityInternals>,
  fieldsOf: (entity: string) => ReadonlyArray<readonly [string, string]>,
): Settlement[] {
  const failing = new Set<number>()
  for (const result of results) if (result.type === 'failed') for (const seq of [result.seq, ...result.dependents]) failing.add(seq)
  const out: Settlement[] = []
  for (let next = refused.shift(); next; next = refused.shift()) {
    const { entity: target, id, reason } = next
    const waiting: Operation[] = []
    trieEach(outbox.ops, (op) => {
      // In flight it was sent (it did not refer to the record then): its own answer settles it.
      if (failing.has(op.seq) || op.status === 'inflight' || op.data === null || op.userId !== outbox.userId) return
      for (const [field, entity] of fieldsOf(op.entity))
        if (entity === target && String(op.data[field]) === String(id) && op.data[field] !== undefined && op.data[field] !== null) {
          waiting.push(op)
          return
        }
    })
    for (const op of waiting) {
      if (failing.has(op.seq)) continue
      const entry = trieGet(entities.get(op.entity)!.selectState(rootState).pending, idPath(op.recordId))
      const dependents = (entry?.changes ?? []).filter((change) => change.seq > op.seq && !failing.has(change.seq)).map((change) => change.seq)
      for (const seq of [op.seq, ...dependents]) failing.add(seq)
      const message = `Not sent: it refers to ${target} ${JSON.stringify(id)}, whose create the server refused (${reason}).`
      out.push({
        seq: op.seq,
        opId: op.id,
        entity: op.entity,
        recordId: op.recordId,
        type: 'failed',
        error: { name: 'SyncError', code: 'dependency-failed', message },
        dependents,
      })
      // A record created so never reaches the server either: what refers to it fails in turn.
      if (op.kind === 'create' && entities.get(op.entity)!.serverIds) refused.push({ entity: op.entity, id: op.recordId, reason: message })
    }
  }
  return out
}
