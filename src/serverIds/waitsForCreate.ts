import type { EntityId } from '@reduxjs/toolkit'
import { idPath, trieGet } from '../core/trie'
import type { EntityInternals } from '../slices/createSyncedEntity'
import type { Operation } from '../types'

/**
 * Whether a record of an entity with `serverIds` is not created on the server yet: its create is still
 * among its pending changes (queued, in flight or parked), so its id is temporary.
 */
export function isTemporary(entity: EntityInternals, id: EntityId, rootState: unknown): boolean {
  const entry = trieGet(entity.selectState(rootState).pending, idPath(id))
  return entry !== undefined && entry.base === null && entry.changes.some((change) => change.kind === 'create')
}

/**
 * Whether an operation must wait: a reference field of its data names a record whose create the server
 * has not confirmed (it is sent once that create is, with the server's id put in by the remap). A
 * record's own later operations wait behind its create already (one operation per record in flight).
 */
export function waitsForCreate(
  op: Operation,
  rootState: unknown,
  entities: ReadonlyMap<string, EntityInternals>,
  fieldsOf: (entity: string) => ReadonlyArray<readonly [string, string]>,
): boolean {
  if (op.data === null) return false
  for (const [field, target] of fieldsOf(op.entity)) {
    const value = op.data[field]
    if ((typeof value === 'string' || typeof value === 'number') && isTemporary(entities.get(target)!, value, rootState)) return true
  }
  return false
}
