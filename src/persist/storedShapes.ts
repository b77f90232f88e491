import type { EntityId } from '@reduxjs/toolkit'
import type { StoredEntity } from '../slices/actions'
import type { SyncConflict } from '../slices/outboxSlice'
import { idPath } from '../core/trie'
import type { Operation } from '../types'

/**
 * The shape of everything rtk-offline stores, checked whole before any of it is used.
 *
 * Durability invariant 5 (nothing trusted): a stored value reaches the store only after it passed the
 * check of its kind here. What fails is moved aside by the restore (quarantined, never deleted) and
 * reported as `storageCorrupted`. Per kind:
 * - an operation, a record: the whole value, or nothing (half an operation could be sent wrong, or never);
 * - the metadata: its counter and version must hold, else all of it goes; a bad conflict entry or cursor
 *   is dropped alone (the raw value is still copied aside and reported);
 * - an entity slice of the single-blob layout of earlier versions: bad record or base entries are dropped alone.
 *
 * Written by hand: a schema library would be a runtime dependency of the core for a dozen shapes.
 */

type Rec = Record<string, unknown>

export function isObject(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
export const isEntityId = (value: unknown): value is EntityId => typeof value === 'string' || isFiniteNumber(value)
const isVersion = (value: unknown) => typeof value === 'string' || isFiniteNumber(value)
const isRecordOrNull = (value: unknown): value is Rec | null => value === null || isObject(value)
const oneOf = <T extends string>(values: readonly T[]) => {
  const set = new Set<string>(values)
  return (value: unknown): value is T => typeof value === 'string' && set.has(value)
}

const isKind = oneOf(['create', 'update', 'delete'] as const)
const isStatus = oneOf(['pending', 'inflight', 'conflict', 'failed'] as const)
const isResolution = oneOf(['server-wins', 'client-wins', 'merged', 'manual'] as const)
const isConflictStatus = oneOf(['open', 'resolved'] as const)
const isChoice = oneOf(['local', 'remote', 'merged'] as const)

/** `{ name, message, code, status? }`, as errors are kept in the store. */
export function isErrorInfo(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.message === 'string' &&
    typeof value.code === 'string' &&
    (value.status === undefined || isFiniteNumber(value.status))
  )
}

/** Every field of an {@link Operation}, each of its type; data as its kind needs it. */
export function isOperation(value: unknown): value is Operation {
  if (!isObject(value)) return false
  return (
    typeof value.id === 'string' &&
    value.id !== '' &&
    Number.isSafeInteger(value.seq) &&
    (value.seq as number) >= 0 &&
    typeof value.entity === 'string' &&
    isEntityId(value.recordId) &&
    isKind(value.kind) &&
    (value.kind === 'delete' ? value.data === null : isObject(value.data)) &&
    (value.baseVersion === null || isVersion(value.baseVersion)) &&
    isFiniteNumber(value.enqueuedAt) &&
    isCount(value.attempts) &&
    (value.nextAttemptAt === null || isFiniteNumber(value.nextAttemptAt)) &&
    isStatus(value.status) &&
    (value.lastError === null || isErrorInfo(value.lastError)) &&
    isFiniteNumber(value.priority) &&
    (value.replaces === undefined || (typeof value.replaces === 'string' && value.replaces !== value.id)) &&
    // Required: an operation of no known user would never be sent, nor ever fail.
    (value.userId === null || typeof value.userId === 'string')
  )
}

/** Every field of a {@link SyncConflict}. */
export function isConflict(value: unknown): value is SyncConflict {
  if (!isObject(value)) return false
  return (
    typeof value.id === 'string' &&
    Number.isSafeInteger(value.seq) &&
    typeof value.entity === 'string' &&
    isEntityId(value.recordId) &&
    isKind(value.kind) &&
    isRecordOrNull(value.base) &&
    isRecordOrNull(value.local) &&
    isRecordOrNull(value.remote) &&
    Array.isArray(value.fields) &&
    value.fields.every((field) => typeof field === 'string') &&
    isResolution(value.resolution) &&
    isConflictStatus(value.status) &&
    (value.choice === null || isChoice(value.choice)) &&
    isFiniteNumber(value.detectedAt)
  )
}

/** The metadata: shape version, seq counter, conflicts, pull cursors. */
export interface StoredMeta {
  v: number
  nextSeq: number
  conflicts: SyncConflict[]
  cursors: Record<string, string | null>
  /** Server-assigned ids: by entity, the server id of each temporary id. Absent when there are none. */
  ids?: Record<string, Record<string, string | number>>
}

/**
 * Reads the metadata: null when its version or counter is unusable (the whole value is quarantined);
 * otherwise the value with bad conflict entries and cursors dropped, and what was dropped.
 */
export function readMeta(value: unknown): { meta: StoredMeta; dropped: string[] } | null {
  if (!isObject(value) || !Number.isSafeInteger(value.v) || !isCount(value.nextSeq) || !Array.isArray(value.conflicts)) return null
  if (value.cursors !== undefined && !isObject(value.cursors)) return null
  const dropped: string[] = []
  const conflicts = value.conflicts.filter(isConflict)
  if (conflicts.length < value.conflicts.length) dropped.push(`${value.conflicts.length - conflicts.length} malformed conflict entries`)
  const cursors: Record<string, string | null> = {}
  for (const [entity, cursor] of Object.entries(value.cursors ?? {})) {
    if (cursor === null || typeof cursor === 'string') cursors[entity] = cursor
    else dropped.push(`the pull cursor of "${entity}"`)
  }
  const meta: StoredMeta = { v: value.v as number, nextSeq: value.nextSeq as number, conflicts, cursors }
  if (value.ids !== undefined) {
    // Server-assigned ids: an entity's pairs are kept when every one of them is a pair of ids.
    const ids: NonNullable<StoredMeta['ids']> = {}
    let bad = !isObject(value.ids)
    for (const [entity, pairs] of Object.entries(isObject(value.ids) ? value.ids : {}))
      if (isObject(pairs) && Object.values(pairs).every((id) => (typeof id === 'string' && id !== '') || Number.isFinite(id))) ids[entity] = pairs as Record<string, string | number>
      else bad = true
    if (bad) dropped.push('malformed server-assigned ids')
    meta.ids = ids
  }
  return { meta, dropped }
}

/**
 * The bucket of a record id, one of 1,024 (`<top>.<mid>` of its place in the pending trie): records are
 * stored a bucket per key, so that a change costs bytes in proportion to the records it touches while a
 * restore reads at most 1,024 keys per entity.
 */
export function recordBucket(id: EntityId): string {
  const [top, mid] = idPath(id)
  return `${top}.${mid}`
}

/**
 * One record of an entity, stored in its bucket's key (`<key>/rec/<entity>/<bucket>`, a JSON list).
 * - `o`: its place in the view (records come back in the order the app had them).
 * - `view`: the record as the view shows it; absent when the view does not hold it.
 * - `base`: present only for a record with pending operations: its confirmed state (null: the server
 *   does not have it). The view is rebuilt from it and the stored operations; `view` then only keeps
 *   the place.
 * - `madeOn`: the confirmed state the pending changes were made on, when it is not `base`.
 */
export interface StoredRecord {
  id: EntityId
  o: number
  view?: Rec
  base?: Rec | null
  madeOn?: Rec | null
}

/** Whether `record` is the record `id` (an object whose id, read with `selectId`, is `id`). */
function isRecordOf(record: unknown, id: EntityId, selectId: (record: Rec) => unknown): record is Rec {
  if (!isObject(record)) return false
  try {
    return String(selectId(record)) === String(id)
  } catch {
    return false
  }
}

export function isStoredRecord(value: unknown, selectId: (record: Rec) => unknown): value is StoredRecord {
  if (!isObject(value) || !isEntityId(value.id) || !isFiniteNumber(value.o)) return false
  const { id } = value
  if (value.view !== undefined && !isRecordOf(value.view, id, selectId)) return false
  if ('base' in value) {
    if (value.base !== null && !isRecordOf(value.base, id, selectId)) return false
    if ('madeOn' in value && value.madeOn !== null && !isRecordOf(value.madeOn, id, selectId)) return false
  } else if ('madeOn' in value || value.view === undefined) return false
  return true
}

/**
 * Reads one bucket of records: null when it is not a list; otherwise its good records (each of its
 * shape, in this bucket) and how many were dropped.
 */
export function readRecordBucket(
  value: unknown,
  bucket: string,
  selectId: (record: Rec) => unknown,
): { records: StoredRecord[]; dropped: number } | null {
  if (!Array.isArray(value)) return null
  const seen = new Set<string>()
  const records = value.filter((record): record is StoredRecord => {
    if (!isStoredRecord(record, selectId) || recordBucket(record.id) !== bucket || seen.has(String(record.id))) return false
    seen.add(String(record.id))
    return true
  })
  return { records, dropped: value.length - records.length }
}

/**
 * Reads an entity slice of the single-blob layout of earlier versions (`{ records, bases }`): null when
 * it is not that shape at all; otherwise its good entries and how many were dropped.
 */
export function readLegacyEntity(value: unknown, selectId: (record: Rec) => unknown): { entity: StoredEntity; dropped: number } | null {
  if (!isObject(value) || !Array.isArray(value.records) || !Array.isArray(value.bases)) return null
  const records = value.records.filter((record): record is Rec => {
    if (!isObject(record)) return false
    try {
      return isEntityId(selectId(record))
    } catch {
      return false
    }
  })
  const bases = value.bases.filter(
    (entry): entry is StoredEntity['bases'][number] =>
      Array.isArray(entry) &&
      (entry.length === 2 || entry.length === 3) &&
      isEntityId(entry[0]) &&
      entry.slice(1).every((record) => record === null || isRecordOf(record, entry[0] as EntityId, selectId)),
  )
  return { entity: { records, bases }, dropped: value.records.length - records.length + value.bases.length - bases.length }
}
