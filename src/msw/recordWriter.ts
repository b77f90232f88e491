import type { DataStore } from './dataStore'
import { applyMergePatch } from './mergePatch'
import type { MockRecord } from './types'

/** Every way the backend changes a record, with its versioning and `updatedAt` stamp in one place. */
export interface RecordWriter {
  /** The version a stored record carries. */
  versionOf(record: MockRecord): number
  /**
   * Stores a new record at version 1. An id deleted before goes on from its last version instead, so an
   * `If-Match` naming the old record never matches the new one.
   */
  create(entity: string, record: MockRecord): MockRecord
  /** Stores a record as given (`seed`): its version, or 1; its `updatedAt`, or now. */
  put(entity: string, record: MockRecord): MockRecord
  /** Applies a JSON merge patch (its id and version ignored) and bumps the version. */
  patch(entity: string, current: MockRecord, changes: Record<string, unknown>): MockRecord
  remove(entity: string, current: MockRecord): void
}

export interface RecordWriterConfig {
  store: DataStore
  versionField: string
  now: () => number
}

export function createRecordWriter({ store, versionField, now }: RecordWriterConfig): RecordWriter {
  const versionOf = (record: MockRecord): number => record[versionField] as number

  function lastVersion(entity: string, record: MockRecord): number {
    const history = store.history(entity, record.id)
    for (let index = history.length - 1; index >= 0; index -= 1) {
      const past = history[index]!.record
      if (past) return versionOf(past)
    }
    return 0
  }

  const stamp = (record: MockRecord, version: number): MockRecord => ({ ...record, [versionField]: version, updatedAt: now() })

  return {
    versionOf,
    create(entity, record) {
      const stored = stamp(record, lastVersion(entity, record) + 1)
      store.write(entity, stored.id, stored)
      return stored
    },
    put(entity, record) {
      const stored: MockRecord = { ...record, [versionField]: record[versionField] ?? 1, updatedAt: record.updatedAt ?? now() }
      store.write(entity, stored.id, stored)
      return stored
    },
    patch(entity, current, changes) {
      const { id: _id, [versionField]: _version, ...patch } = changes
      const stored = stamp({ ...applyMergePatch(current, patch), id: current.id }, versionOf(current) + 1)
      store.write(entity, stored.id, stored)
      return stored
    },
    remove(entity, current) {
      store.write(entity, current.id, null)
    },
  }
}
