import type { EntityId } from '@reduxjs/toolkit'
import type { OutgoingOperation, SyncOutcome } from '../adapters/types'
import type { SyncErrorInfo } from '../core/errors'
import { isJsonObject as isPlainObject } from '../core/mergePatch'

/** Reads a record's id the way its entity does, or throws when it cannot. */
export type RecordIdOf = (entity: string, record: Record<string, unknown>) => EntityId | undefined

function isErrorInfo(value: unknown): value is SyncErrorInfo {
  return (
    isPlainObject(value) &&
    typeof value.message === 'string' &&
    (value.name === undefined || typeof value.name === 'string') &&
    (value.code === undefined || typeof value.code === 'string') &&
    (value.status === undefined || typeof value.status === 'number')
  )
}

/** A plain serialisable copy: adapters may hand back class instances the store must not keep. */
function errorInfo(value: SyncErrorInfo): SyncErrorInfo {
  const info: SyncErrorInfo = { name: value.name ?? 'Error', message: value.message, code: value.code ?? 'unknown' }
  if (value.status !== undefined) info.status = value.status
  return info
}

/**
 * Durability invariant 5 (nothing trusted) and 4 (the record's id checked): checks one outcome against
 * the operation it answers. Returns the outcome (with plain copies of its errors), or what is wrong with
 * it. A record is "the record in question" when the entity's own `selectId` reads the operation's
 * record id from it (compared as strings, so `1` and `'1'` are the same record). An `ok` record with no
 * id at all (a partial answer) is dropped and the operation confirmed with its own change; a conflict's
 * remote must carry the id, since it replaces what the client holds.
 */
export function checkOutcome(value: unknown, operation: OutgoingOperation, recordIdOf: RecordIdOf): SyncOutcome | string {
  if (!isPlainObject(value)) return `an outcome must be an object, got ${value === null ? 'null' : typeof value}`
  /** 'same', 'other', or 'none' when the record carries no id at all (a partial answer such as `{ version }`). */
  const identify = (record: Record<string, unknown>): 'same' | 'other' | 'none' => {
    let id: EntityId | undefined
    try {
      id = recordIdOf(operation.entity, record)
    } catch {
      return 'other'
    }
    if (id === undefined || id === null) return 'none'
    return (typeof id === 'string' || typeof id === 'number') && String(id) === String(operation.recordId) ? 'same' : 'other'
  }
  const where = `${operation.entity} ${JSON.stringify(operation.recordId)}`
  switch (value.type) {
    case 'ok': {
      if (value.record === undefined || value.record === null) return { type: 'ok' }
      if (!isPlainObject(value.record)) return `an 'ok' record must be an object, got ${typeof value.record}`
      // A delete has no record to compare; the server may answer with anything it likes.
      if (operation.kind === 'delete') return { type: 'ok' }
      const identity = identify(value.record)
      // Server-assigned ids: the created record comes back under the id the server gave it.
      if (identity === 'other' && operation.serverAssignsId) return { type: 'ok', record: value.record }
      if (identity === 'other') return `the 'ok' record for ${where} is another record (its id does not match)`
      // A record without an id cannot be checked: the operation is confirmed, its own change applied.
      return identity === 'same' ? { type: 'ok', record: value.record } : { type: 'ok' }
    }
    case 'conflict': {
      if (!('remote' in value)) return `a 'conflict' needs \`remote\` (the server's record, or null when it is gone)`
      if (value.remote === null) return { type: 'conflict', remote: null }
      if (!isPlainObject(value.remote)) return `a 'conflict' remote must be an object or null, got ${typeof value.remote}`
      // Unlike a confirmation, a conflict's remote replaces what we hold: it must be the record in question.
      if (identify(value.remote) !== 'same') return `the 'conflict' remote for ${where} is not that record (its id is missing or another)`
      return { type: 'conflict', remote: value.remote }
    }
    case 'retry': {
      if (!isErrorInfo(value.error)) return `a 'retry' needs \`error\`: { name, message, code }`
      const { retryAfterMs } = value
      if (retryAfterMs === undefined) return { type: 'retry', error: errorInfo(value.error) }
      if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs < 0)
        return `a 'retry' retryAfterMs must be a finite number ≥ 0, got ${JSON.stringify(retryAfterMs) ?? String(retryAfterMs)}`
      return { type: 'retry', error: errorInfo(value.error), retryAfterMs }
    }
    case 'reject':
      if (!isErrorInfo(value.error)) return `a 'reject' needs \`error\`: { name, message, code }`
      return { type: 'reject', error: errorInfo(value.error) }
    case 'auth':
      if (value.error === undefined || value.error === null) return { type: 'auth' }
      if (!isErrorInfo(value.error)) return `an 'auth' error must be { name, message, code } when given`
      return { type: 'auth', error: errorInfo(value.error) }
    default:
      return `an outcome's type must be 'ok', 'conflict', 'retry', 'reject' or 'auth', got ${JSON.stringify(value.type) ?? String(value.type)}`
  }
}
