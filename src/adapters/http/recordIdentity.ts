import type { EntityId } from '@reduxjs/toolkit'
import type { JsonObject } from '../../core/mergePatch'
import type { OutgoingOperation, PushOptions } from '../types'

/** Reads a record's id the way its entity does (`PushOptions.recordIdOf`). */
export type RecordIdOf = NonNullable<PushOptions['recordIdOf']>

/** Without the engine's `selectId`, a record's id is its `id` field. */
export const defaultRecordIdOf: RecordIdOf = (_, record) => record.id as EntityId | undefined

/**
 * Durability invariant 4 (the record's id checked): whether `record` is the record of `operation`. Returns
 * the record when its id (read with the entity's `selectId`, else its `id` field) equals the operation's
 * record id as a string; `undefined` for a record without any id (a partial answer such as
 * `{ version: 4 }`, taken as the operation's but unidentified); else what it is instead, in words.
 */
export function identifyRecord(operation: OutgoingOperation, record: JsonObject, recordIdOf: RecordIdOf): JsonObject | string | undefined {
  let id: EntityId | undefined
  try {
    id = recordIdOf(operation.entity, record)
  } catch {
    return 'a record whose id cannot be read'
  }
  if (id === undefined || id === null) return undefined
  // Server-assigned ids: a created record comes back under the id the server gave it.
  if (String(id) !== String(operation.recordId) && !(operation.serverAssignsId && operation.kind === 'create')) return `another record (id ${JSON.stringify(id)}, not ${JSON.stringify(operation.recordId)})`
  return record
}
