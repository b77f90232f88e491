import { SyncSetupError } from 'rtk-offline'
import { isJsonObject } from './mergePatch'
import type { MockBackendSnapshot } from './types'

/**
 * Checks that what `storage.load()` returned is a snapshot this kit saved, and says what is wrong when
 * it is not: stored data outlives code, and a backend built on a bad one would fail later, far away.
 */
export function readSnapshot(value: unknown): MockBackendSnapshot | null {
  if (value === null) return null
  const problem = findProblem(value)
  if (problem === undefined) return value as MockBackendSnapshot
  throw new SyncSetupError(
    `the mock backend's storage.load() returned a value that is not a snapshot saved by the backend (${problem}). Return null to start empty, or clear the stored data (for createWebStorage, localStorage.removeItem(key)).`,
  )
}

function findProblem(value: unknown): string | undefined {
  if (!isJsonObject(value)) return 'not an object'
  if (value.format !== 1) return `format is ${JSON.stringify(value.format)}, expected 1`
  const { sequence, records, changes, idempotency } = value
  if (!isCount(sequence)) return 'sequence is not an integer ≥ 0'
  if (!isJsonObject(records)) return 'records is not an object'
  for (const [entity, rows] of Object.entries(records)) {
    if (!Array.isArray(rows) || !rows.every(isRecord)) return `records.${entity} is not an array of records with ids`
  }
  if (!Array.isArray(changes)) return 'changes is not an array'
  let previous = 0
  for (const change of changes as unknown[]) {
    if (!isJsonObject(change) || !isCount(change.sequence) || typeof change.entity !== 'string' || !isId(change.id))
      return 'a change lacks its sequence, entity or id'
    if (change.sequence <= previous || change.sequence > sequence) return 'the changes are out of sequence'
    if (change.record !== null && !isRecord(change.record)) return `change ${change.sequence} holds neither a record nor null`
    previous = change.sequence
  }
  if (!isJsonObject(idempotency)) return 'idempotency is not an object'
  for (const answer of Object.values(idempotency)) {
    if (!isJsonObject(answer) || typeof answer.method !== 'string' || typeof answer.path !== 'string' || !isCount(answer.status))
      return 'a remembered answer lacks its method, path or status'
  }
  return undefined
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0
}

function isId(value: unknown): value is string | number {
  return typeof value === 'string' || typeof value === 'number'
}

function isRecord(value: unknown): boolean {
  return isJsonObject(value) && isId(value.id)
}
