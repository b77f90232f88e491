import type { OperationKind } from './types'
import { applyMergePatch, composeMergePatch, type JsonObject } from './mergePatch'

/** What an operation does to one record: the part of an operation that replay needs. */
export interface Change {
  kind: OperationKind
  /** `create`: the whole record; `update`: a JSON merge patch; `delete`: null. */
  data: JsonObject | null
}

/** The record after `change`, or null when it does not exist. An update of a missing record leaves it missing. */
export function applyChange<TRecord>(record: TRecord | null, change: Change): TRecord | null {
  switch (change.kind) {
    case 'create':
      return change.data as TRecord
    case 'update':
      return record === null ? null : (applyMergePatch(record as JsonObject, change.data ?? {}) as TRecord)
    case 'delete':
      return null
  }
}

/** Replays changes in order on top of the confirmed record: the optimistic view of that record. */
export function replay<TRecord>(base: TRecord | null, changes: readonly Change[]): TRecord | null {
  let record = base
  for (const change of changes) record = applyChange(record, change)
  return record
}

/**
 * Two changes of one record, neither sent yet, as one: create+update → create, update+update → update,
 * update+delete → delete, create+delete → nothing (`null`) when the server has no such record. `undefined`
 * when they must stay apart (delete then create, or updates no single patch can express).
 *
 * `serverHasRecord`: whether the confirmed state the changes apply to holds the record. A create can sit
 * on a record the server has (the server won a conflict under it); then create+delete is still a delete.
 */
export function coalesce(first: Change, second: Change, serverHasRecord = false): Change | null | undefined {
  if (first.kind === 'create') {
    if (second.kind === 'update') return { kind: 'create', data: applyMergePatch(first.data ?? {}, second.data ?? {}) }
    if (second.kind === 'delete') return serverHasRecord ? { kind: 'delete', data: null } : null
    return undefined
  }
  if (first.kind === 'update') {
    if (second.kind === 'update') {
      const data = composeMergePatch(first.data ?? {}, second.data ?? {})
      return data === undefined ? undefined : { kind: 'update', data }
    }
    if (second.kind === 'delete') return { kind: 'delete', data: null }
  }
  return undefined
}
