import { findNonSerializableValue, isPlain, type EntityId } from '@reduxjs/toolkit'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { SyncValidationError } from '../core/errors'

/** Stricter than RTK's `isPlain`: what survives JSON unchanged (no `undefined`, no NaN or Infinity). */
function isJsonValue(value: unknown): boolean {
  if (value === undefined) return false
  if (typeof value === 'number') return Number.isFinite(value)
  return isPlain(value)
}

/** Throws when `value` holds anything a JSON backend, the store and storage could not keep as it is. */
export function assertSerializable(entity: string, recordId: EntityId | undefined, value: unknown, what: string): void {
  const found = findNonSerializableValue(value, '', isJsonValue)
  if (found === false) return
  // RTK names the top-level value '<root>'; a value bad as a whole needs no path.
  const where = found.keyPath === '' || found.keyPath === '<root>' ? what : `${what} at "${found.keyPath}"`
  const shown =
    found.value === undefined
      ? 'undefined (use null to clear a field)'
      : typeof found.value === 'number'
        ? String(found.value)
        : Object.prototype.toString.call(found.value)
  throw new SyncValidationError(
    entity,
    recordId,
    `${where} holds ${shown}, which is not serialisable; store plain JSON data (ISO 8601 strings or epoch milliseconds for dates).`,
  )
}

/** True for ids rtk-offline can key records by. */
export function isValidId(id: unknown): id is EntityId {
  return (typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** Runs a Standard Schema synchronously; returns its output or throws with every issue listed. */
export function validateWithSchema<TRecord>(
  entity: string,
  recordId: EntityId | undefined,
  schema: StandardSchemaV1<unknown, TRecord>,
  value: unknown,
): TRecord {
  const outcome = schema['~standard'].validate(value)
  if (isPromiseLike(outcome)) {
    // Nobody awaits it; keep a later rejection from surfacing as an unhandled one.
    Promise.resolve(outcome).catch(() => {})
    throw new SyncValidationError(
      entity,
      recordId,
      'its schema validates asynchronously; rtk-offline validates inside dispatch, so use a synchronous schema.',
    )
  }
  const result = outcome as StandardSchemaV1.Result<TRecord>
  if (result.issues) {
    const described = result.issues
      .map((issue) => {
        const path = issue.path?.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.')
        return path ? `${path}: ${issue.message}` : issue.message
      })
      .join('; ')
    throw new SyncValidationError(entity, recordId, `failed validation: ${described}.`, result.issues)
  }
  return result.value
}
