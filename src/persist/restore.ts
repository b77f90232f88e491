import { SyncSetupError, SyncStorageError } from 'rtk-offline'
import type { StorageProblem, StoredEntity } from '../slices/actions'
import type { SyncConflict } from '../slices/outboxSlice'
import type { Operation } from '../types'
import { readAllUnder } from './bulkRead'
import { listKeys, type SyncStorage } from './storage'
import type { StorageKeys } from './storageKeys'
import { isOperation, readLegacyEntity, readMeta, readRecordBucket, type StoredRecord } from './storedShapes'

/** Everything stored for one user, in the shape migrations receive and return. */
export interface PersistedState {
  meta: {
    nextSeq: number
    conflicts: SyncConflict[]
    cursors: Record<string, string | null>
    /** Server-assigned ids: by entity, the server id of each temporary id (absent: none). */
    ids?: Record<string, Record<string, string | number>>
  }
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
  /**
   * What the record keys hold, by entity and bucket (each bucket's records, of distinct ids), before
   * migrations: what persistence compares the state with to write only what changed.
   */
  records: Map<string, Map<string, StoredRecord[]>>
  /** Above every stored record's place. */
  nextOrder: number
  /** Keys of the single-blob layout of earlier versions, to remove once their records are stored in buckets. */
  legacyKeys: string[]
  /** Buckets that held malformed records, by entity: written again without them. */
  repair: Array<[entity: string, bucket: string]>
}

/** What a reader makes of a parsed value: null when it is unusable; otherwise the value, and what of it was dropped. */
type Reader<T> = (value: unknown) => { value: T; dropped?: string[] } | null

/**
 * Reads what storage holds for one namespace. A value that cannot be parsed or has the wrong shape is
 * moved to a quarantine key (never deleted) and reported; the rest is used. A storage that throws, or
 * data from a newer version, is a {@link SyncStorageError} and nothing is touched.
 */
export async function restore(
  storage: SyncStorage,
  keys: StorageKeys,
  options: {
    entityNames: readonly string[]
    version: number
    migrations: PersistMigrations
    now: () => number
    /** How each entity reads a record's id (default: `record.id`). */
    selectIds?: Record<string, (record: Record<string, unknown>) => unknown>
  },
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
  /**
   * The parsed value when `reader` takes it; otherwise moved aside and undefined. Durability invariant 5:
   * nothing stored is used before it passed the check of its kind (storedShapes.ts). When the reader
   * dropped part of it, the raw value is copied aside (the key is rewritten with the rest) and reported.
   * Synchronous for a value already read (`known`) that passes whole: no promise per record or operation.
   */
  const load = <T>(key: string, reader: Reader<T>, what: string, known: string | null | undefined): T | undefined | Promise<T | undefined> => {
    if (known === undefined) return read(key).then((raw) => (raw === null ? undefined : check(key, raw, reader, what)))
    return known === null ? undefined : check(key, known, reader, what)
  }
  const check = <T>(key: string, raw: string, reader: Reader<T>, what: string): T | undefined | Promise<T | undefined> => {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return quarantine(key, raw, `${what} is not valid JSON`).then(() => undefined)
    }
    const result = reader(parsed)
    if (!result) return quarantine(key, raw, `${what} does not have the expected shape`).then(() => undefined)
    if (result.dropped && result.dropped.length > 0) {
      const at = options.now()
      const quarantineKey = keys.quarantine(at, key)
      const dropped = result.dropped
      return Promise.resolve(storage.setItem(quarantineKey, raw)).then(() => {
        problems.push({ key, quarantineKey, reason: `${what} held ${dropped.join(', ')}; they were left out`, preview: raw.slice(0, 200), at })
        return result.value
      })
    }
    return result.value
  }
  const selectIdOf = (entity: string) => options.selectIds?.[entity] ?? ((record: Record<string, unknown>) => record.id)

  if (typeof storage.keys !== 'function' && typeof storage.getAllKeys !== 'function')
    throw new SyncSetupError('the persist storage must list its keys with keys() (localforage) or getAllKeys() (AsyncStorage).')
  // One cursor pass where the storage has one (localforage's iterate): it gives the keys and the values
  // at once. A getItem per record or operation is a storage transaction each, and a keys() pass before it
  // walks every key a second time; at 10,000 of them those round trips are most of the restore.
  // What the pass gives is sorted by kind at once (no Map of every key to look values up in): each key
  // with its value, a string, or undefined for a key to read (and check) with getItem: a value that is
  // not a string (getItem decodes it), or every key when no pass could be made. A key the pass did not
  // see is absent (null) when a pass was made; without one, the metadata and the old single blobs are
  // read by key all the same.
  const prefix = `${keys.namespace}/`
  const entityPrefix = keys.entity('')
  let metaRaw: string | null | undefined
  const legacyRaw = new Map<string, string | undefined>()
  const recordKeys: string[] = []
  const recordRaws: Array<string | undefined> = []
  const opKeys: string[] = []
  const opRaws: Array<string | undefined> = []
  let iterated = false
  const sort = (key: string, value: unknown): void => {
    const raw = typeof value === 'string' ? value : undefined
    if (key.startsWith(keys.recordPrefix)) {
      recordKeys.push(key)
      recordRaws.push(raw)
    } else if (key.startsWith(keys.opPrefix)) {
      opKeys.push(key)
      opRaws.push(raw)
    } else if (key === keys.meta) metaRaw = raw
    else if (key.startsWith(entityPrefix)) legacyRaw.set(key, raw)
  }
  const reset = (): void => {
    metaRaw = undefined
    legacyRaw.clear()
    recordKeys.length = recordRaws.length = opKeys.length = opRaws.length = 0
  }
  // Faster still: two requests in all where the storage is localforage on IndexedDB (see bulkRead.ts).
  const bulk = await readAllUnder(storage, prefix)
  if (bulk !== null) {
    metaRaw = null
    for (let index = 0; index < bulk.keys.length; index++) sort(bulk.keys[index]!, bulk.values[index])
    iterated = true
  } else if (typeof storage.iterate === 'function') {
    metaRaw = null
    try {
      await storage.iterate((value, key) => {
        if (key.startsWith(prefix)) sort(key, value)
      })
      iterated = true
    } catch {
      // Listed and read one by one below instead; a real failure will show there.
      reset()
    }
  }
  if (!iterated) {
    let all: string[]
    try {
      all = await listKeys(storage)
    } catch (cause) {
      if (cause instanceof TypeError) throw cause
      throw new SyncStorageError('storage-failed', `listing the stored keys failed (${cause instanceof Error ? cause.message : String(cause)}).`, { cause })
    }
    for (const key of all) sort(key, undefined)
    metaRaw = undefined
  }
  /** A legacy blob's value as the pass read it: null when the pass did not see the key, undefined when it is to be read. */
  const knownLegacy = (key: string): string | null | undefined => (legacyRaw.has(key) ? legacyRaw.get(key) : iterated ? null : undefined)

  const meta = await load(
    keys.meta,
    (value) => {
      const read = readMeta(value)
      return read && { value: read.meta, dropped: read.dropped }
    },
    'the outbox metadata',
    metaRaw,
  )
  if (meta && meta.v > options.version)
    throw new SyncStorageError(
      'storage-version-newer',
      `storage holds data of version ${meta.v}, newer than this app's ${options.version}; it was left untouched. Update the app, or purge the storage to start afresh.`,
    )

  // Records: a key per bucket, grouped by entity. Keys of entities this app does not have are left alone.
  const records = new Map<string, Map<string, StoredRecord[]>>(options.entityNames.map((name) => [name, new Map()]))
  let nextOrder = 0
  const repair: Array<[string, string]> = []
  for (let index = 0; index < recordKeys.length; index++) {
    const key = recordKeys[index]!
    const rest = key.slice(keys.recordPrefix.length)
    const slash = rest.indexOf('/')
    let entity: string
    try {
      entity = decodeURIComponent(rest.slice(0, slash))
    } catch {
      continue
    }
    const byBucket = slash < 0 ? undefined : records.get(entity)
    if (!byBucket) continue
    const selectId = selectIdOf(entity)
    const bucket = rest.slice(slash + 1)
    const loaded = load(
      key,
      (value) => {
        const read = readRecordBucket(value, bucket, selectId)
        if (read && read.dropped > 0) repair.push([entity, bucket])
        return read && { value: read.records, dropped: read.dropped > 0 ? [`${read.dropped} malformed records`] : [] }
      },
      `the stored "${entity}" records of bucket ${bucket}`,
      recordRaws[index],
    )
    const stored = loaded instanceof Promise ? await loaded : loaded
    if (!stored || stored.length === 0) continue
    for (let index = 0; index < stored.length; index++) nextOrder = Math.max(nextOrder, stored[index]!.o + 1)
    // Two keys of one bucket (the entity's name encoded two ways): one record per id, the later key's.
    const earlier = byBucket.get(bucket)
    byBucket.set(bucket, earlier ? [...new Map([...earlier, ...stored].map((record) => [String(record.id), record])).values()] : stored)
  }

  const entities: Record<string, StoredEntity> = {}
  const legacyKeys: string[] = []
  for (const name of options.entityNames) {
    const selectId = selectIdOf(name)
    const legacy = await load(
      keys.entity(name),
      (value) => {
        const read = readLegacyEntity(value, selectId)
        return read && { value: read.entity, dropped: read.dropped > 0 ? [`${read.dropped} malformed entries`] : [] }
      },
      `the stored "${name}" slice`,
      knownLegacy(keys.entity(name)),
    )
    if (legacy) legacyKeys.push(keys.entity(name))
    // Buckets are newer than a blob of the old layout (a restore stopped while moving it).
    const stored: StoredRecord[] = []
    records.get(name)!.forEach((list) => {
      for (let index = 0; index < list.length; index++) stored.push(list[index]!)
    })
    stored.sort((a, b) => a.o - b.o)
    const ids = legacy ? new Set(stored.map((record) => String(record.id))) : null
    const entity: StoredEntity = {
      records: ids ? legacy!.records.filter((record) => !ids.has(String(selectId(record)))) : [],
      bases: ids ? legacy!.bases.filter((entry) => !ids.has(String(entry[0]))) : [],
    }
    for (let index = 0; index < stored.length; index++) {
      const record = stored[index]!
      if (record.view !== undefined) entity.records.push(record.view)
      if ('base' in record)
        entity.bases.push('madeOn' in record ? [record.id, record.base!, record.madeOn!] : [record.id, record.base!])
    }
    if (legacy || stored.length > 0) entities[name] = entity
  }

  const ops: Operation[] = []
  // Stored under its own id: a value under another op's key would be deleted by the wrong settlement.
  // (Compared in place: a key built per operation to compare with is 10,000 strings on a restore.)
  const underItsKey = (key: string, id: string) => key.length === keys.opPrefix.length + id.length && key.endsWith(id)
  const readOp = (key: string): Reader<Operation> => (value) => (isOperation(value) && underItsKey(key, value.id) ? { value } : null)
  for (let index = 0; index < opKeys.length; index++) {
    const key = opKeys[index]!
    const raw = opRaws[index]
    let op: Operation | undefined
    // The usual case in one step, without a reader made for each operation: a string that parses to an
    // operation stored under its key. Anything else goes the checked way (moved aside when unusable).
    let parsed: unknown
    try {
      parsed = raw === undefined ? undefined : JSON.parse(raw)
    } catch {
      parsed = undefined
    }
    if (parsed !== undefined && isOperation(parsed) && underItsKey(key, parsed.id)) op = parsed
    else {
      const loaded = load(key, readOp(key), 'a stored operation', raw)
      op = loaded instanceof Promise ? await loaded : loaded
    }
    if (!op) continue
    // In flight at the crash: pending again, sent with the same idempotency key; attempts and schedule
    // kept, and at least 1, so it stays frozen (Durability invariant 1: it may have been sent).
    ops.push(op.status === 'inflight' ? { ...op, status: 'pending', attempts: Math.max(1, op.attempts) } : op)
  }
  ops.sort((a, b) => a.seq - b.seq)

  let state: PersistedState = {
    meta: { nextSeq: meta?.nextSeq ?? 1, conflicts: meta?.conflicts ?? [], cursors: meta?.cursors ?? {}, ...(meta?.ids ? { ids: meta.ids } : {}) },
    entities,
    ops,
  }
  const storedVersion = meta?.v ?? options.version
  for (let version = storedVersion + 1; version <= options.version; version++) {
    const migrate = options.migrations[version]
    if (migrate) state = migrate(state)
  }
  return { state, problems, migrated: storedVersion < options.version, records, nextOrder, legacyKeys, repair }
}
