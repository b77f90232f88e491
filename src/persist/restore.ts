import { SyncStorageError } from '../errors'
import type { StorageProblem, StoredEntity } from '../slices/actions'
import type { SyncConflict } from '../slices/outboxSlice'
import type { Operation } from '../types'
import { listKeys, type SyncStorage } from './storage'
import type { StorageKeys } from './storageKeys'

/** Everything stored for one user, in the shape migrations receive and return. */
export interface PersistedState {
  meta: { nextSeq: number; conflicts: SyncConflict[]; cursors: Record<string, string | null> }
  entities: Record<string, StoredEntity>
  /** Oldest first. */
  ops: Operation[]
}

/**
 * Migrations by the version they lead to: `{ 2: (state) => …, 3: (state) => … }`. Each takes the
 * stored state of the version before and returns it in its own version's shape.
 */
export type PersistMigrations = Record<number, (state: PersistedState) => PersistedState>

export interface RestoreResult {
  state: PersistedState
  problems: StorageProblem[]
  /** The stored version was older: everything is written again in the current shape. */
  migrated: boolean
}

const kinds = new Set(['create', 'update', 'delete'])
const statuses = new Set(['pending', 'inflight', 'conflict', 'failed'])

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isOperation(value: unknown): value is Operation {
  if (!isObject(value)) return false
  return (
    typeof value.id === 'string' &&
    typeof value.seq === 'number' &&
    typeof value.entity === 'string' &&
    (typeof value.recordId === 'string' || typeof value.recordId === 'number') &&
    kinds.has(value.kind as string) &&
    (value.data === null || isObject(value.data)) &&
    statuses.has(value.status as string) &&
    typeof value.attempts === 'number'
  )
}

function isStoredEntity(value: unknown): value is StoredEntity {
  return (
    isObject(value) &&
    Array.isArray(value.records) &&
    value.records.every(isObject) &&
    Array.isArray(value.bases) &&
    value.bases.every(
      (entry) =>
        Array.isArray(entry) &&
        (entry.length === 2 || entry.length === 3) &&
        entry.slice(1).every((record) => record === null || isObject(record)),
    )
  )
}

interface StoredMeta {
  v: number
  nextSeq: number
  conflicts: SyncConflict[]
  cursors?: Record<string, string | null>
}

function isMeta(value: unknown): value is StoredMeta {
  return (
    isObject(value) &&
    Number.isInteger(value.v) &&
    typeof value.nextSeq === 'number' &&
    Array.isArray(value.conflicts) &&
    (value.cursors === undefined || isObject(value.cursors))
  )
}

/**
 * Reads what storage holds for one namespace. A value that cannot be parsed or has the wrong shape is
 * moved to a quarantine key (never deleted) and reported; the rest is used. A storage that throws, or
 * data from a newer version, is a {@link SyncStorageError} and nothing is touched.
 */
export async function restore(
  storage: SyncStorage,
  keys: StorageKeys,
  options: { entityNames: readonly string[]; version: number; migrations: PersistMigrations; now: () => number },
): Promise<RestoreResult> {
  const problems: StorageProblem[] = []
  const read = async (key: string): Promise<string | null> => {
    try {
      const value = await storage.getItem(key)
      return value === null || value === undefined ? null : String(value)
    } catch (cause) {
      throw new SyncStorageError(
        'storage-failed',
        `reading "${key}" failed (${cause instanceof Error ? cause.message : String(cause)}); nothing was written, so the stored data is as it was. Fix the storage (or the encryption key) and reload.`,
        { cause },
      )
    }
  }
  const quarantine = async (key: string, raw: string, reason: string): Promise<void> => {
    const at = options.now()
    const quarantineKey = keys.quarantine(at, key)
    await storage.setItem(quarantineKey, raw)
    await storage.removeItem(key)
    problems.push({ key, quarantineKey, reason, preview: raw.slice(0, 200), at })
  }
  /** The parsed value when it passes `check`; otherwise moved aside and undefined. */
  const load = async <T>(key: string, check: (value: unknown) => value is T, what: string, known?: string): Promise<T | undefined> => {
    const raw = known ?? (await read(key))
    if (raw === null) return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      await quarantine(key, raw, `${what} is not valid JSON`)
      return undefined
    }
    if (!check(parsed)) {
      await quarantine(key, raw, `${what} does not have the expected shape`)
      return undefined
    }
    return parsed
  }

  let all: string[]
  try {
    all = await listKeys(storage)
  } catch (cause) {
    if (cause instanceof TypeError) throw cause
    throw new SyncStorageError('storage-failed', `listing the stored keys failed (${cause instanceof Error ? cause.message : String(cause)}).`, { cause })
  }

  const meta = await load(keys.meta, isMeta, 'the outbox metadata')
  if (meta && meta.v > options.version)
    throw new SyncStorageError(
      'storage-version-newer',
      `storage holds data of version ${meta.v}, newer than this app's ${options.version}; it was left untouched. Update the app, or purge the storage to start afresh.`,
    )

  const entities: Record<string, StoredEntity> = {}
  for (const name of options.entityNames) {
    const entity = await load(keys.entity(name), isStoredEntity, `the stored "${name}" slice`)
    if (entity) entities[name] = entity
  }

  // One cursor pass where the storage has one (localforage's iterate): a getItem per operation is a
  // storage transaction each, and at 10,000 operations those round trips are most of the restore.
  const prefetched = new Map<string, string>()
  if (typeof storage.iterate === 'function') {
    try {
      await storage.iterate((value, key) => {
        if (key.startsWith(keys.opPrefix) && typeof value === 'string') prefetched.set(key, value)
      })
    } catch {
      // Read them one by one below instead; a real failure will show there.
      prefetched.clear()
    }
  }
  const ops: Operation[] = []
  for (const key of all.filter((key) => key.startsWith(keys.opPrefix))) {
    const op = await load(key, isOperation, 'a stored operation', prefetched.get(key))
    if (!op) continue
    // In flight at the crash: pending again, sent with the same idempotency key; attempts and schedule
    // kept, and at least 1, so it stays frozen (Durability invariant 1: it may have been sent).
    ops.push(op.status === 'inflight' ? { ...op, status: 'pending', attempts: Math.max(1, op.attempts) } : op)
  }
  ops.sort((a, b) => a.seq - b.seq)

  let state: PersistedState = {
    meta: { nextSeq: meta?.nextSeq ?? 1, conflicts: meta?.conflicts ?? [], cursors: meta?.cursors ?? {} },
    entities,
    ops,
  }
  const storedVersion = meta?.v ?? options.version
  for (let version = storedVersion + 1; version <= options.version; version++) {
    const migrate = options.migrations[version]
    if (migrate) state = migrate(state)
  }
  return { state, problems, migrated: storedVersion < options.version }
}
