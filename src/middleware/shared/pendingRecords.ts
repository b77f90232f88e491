import { idPath, trieGet } from '../../core/trie'
import type { PendingRecord } from '../../slices/createSyncedEntity'
import type { Operation } from '../../types'
import type { SyncEngine } from '../syncHandler'

/** The pending record (confirmed state, state made on, queued changes) an operation belongs to, if any. */
export function pendingOf(
  engine: SyncEngine,
  op: Pick<Operation, 'entity' | 'recordId'>,
  rootState: unknown = engine.api.getState(),
): PendingRecord<Record<string, unknown>> | undefined {
  const entity = engine.config.entities.get(op.entity)
  return entity && trieGet(entity.selectState(rootState).pending, idPath(op.recordId))
}

/** The seqs of the record's later operations, which fail with this one. */
export function dependentsOf(engine: SyncEngine, op: Operation): number[] {
  const pending = pendingOf(engine, op)
  return pending ? pending.changes.filter((change) => change.seq > op.seq).map((change) => change.seq) : []
}

/** Reads a record's id as its entity does (for checking that an answer is about the record in question). */
export function recordIdOf(engine: SyncEngine, entityName: string, record: Record<string, unknown>) {
  const entity = engine.config.entities.get(entityName)
  return entity ? entity.selectId(record) : undefined
}
