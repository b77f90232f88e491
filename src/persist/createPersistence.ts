import type { UnknownAction } from '@reduxjs/toolkit'
import { SyncSetupError, toErrorInfo } from '../errors'
import type { Timers } from '../middleware/timers'
import { opsSettled, rehydrated, retryDue, senderElected, storageCorrupted, storageFailed, userSwitched } from '../slices/actions'
import type { EntityInternals } from '../slices/createSyncedEntity'
import type { OutboxState } from '../slices/outboxSlice'
import { trieValues } from '../slices/trie'
import type { Operation } from '../types'
import { diffTrie } from './diffTrie'
import { restore, type PersistMigrations } from './restore'
import { listKeys, type SyncStorage } from './storage'
import { storageKeys, type StorageKeys } from './storageKeys'
import { createWriteQueue } from './writeQueue'
import { createSenderElection, type SenderElection } from './senderElection'
import { createTabChannel, isRemoteAction } from './tabChannel'

/** Persistence options of `createOfflineSync({ persist })`. */
export interface PersistOptions {
  /**
   * Where to keep the data: any redux-persist style storage that can list its keys.
   * @default a localforage instance (IndexedDB in browsers, falling back as localforage does)
   */
  storage?: SyncStorage
  /**
   * The key everything is stored under (each user's data under `<key>:user:<id>`).
   * @default 'rtk-offline'
   */
  key?: string
  /**
   * The version of the stored shape. Raise it with a migration when the shape of your records changes.
   * @default 1
   */
  version?: number
  /** Migrations by the version they lead to. */
  migrations?: PersistMigrations
  /**
   * How often, at most, the entity slices and metadata are written. Operations are written at once.
   * @default 250
   */
  throttleMs?: number
  /**
   * Share the outbox with other tabs (or windows) on the same storage: every tab sees every change,
   * and one tab, elected with the Web Locks API (BroadcastChannel where that is missing), sends.
   * `false` for a single-page context such as React Native.
   * @default true where BroadcastChannel exists
   */
  tabs?: boolean
  /**
   * The Web Locks API that elects the sending tab; null uses the BroadcastChannel heartbeat fallback.
   * @default navigator.locks where it exists
   */
  locks?: LockManager | null
}

/** What `sync.persist(store)` returns. */
export interface Persistor {
  /** Resolves once storage is restored (sending starts then); rejects with a SyncStorageError when storage cannot be used. */
  readonly ready: Promise<void>
  /** Resolves once everything dispatched so far is in storage. */
  flush(): Promise<void>
  /**
   * Signs another user in (or out, with null): what was dispatched so far is flushed under the current
   * user, the slices empty, and the new user's outbox is restored. Nothing of one user is ever sent
   * while another is signed in. The outbox of the user who left stays in storage until purged.
   */
  switchUser(userId: string | null): Promise<void>
  /** Deletes a user's stored outbox and slices (not the quarantined values). Not for the signed-in user. */
  purge(userId: string | null): Promise<void>
  /** Stops writing and listening (tests, teardown). */
  stop(): void
  /** Characters and writes sent to storage so far. */
  stats(): { bytes: number; writes: number }
}

export interface PersistenceConfig {
  options: PersistOptions
  reducerPath: string
  entities: ReadonlyMap<string, EntityInternals>
  store: { getState(): unknown; dispatch(action: UnknownAction): unknown }
  now: () => number
  timers: Timers
  /** The seq an operation gets from a counter (see the enqueue middleware). */
  seqFor: (counter: number) => number
  onError: (error: unknown) => void
  /** This tab's id, when the outbox is shared between tabs. */
  tabId: string | null
  /** Aborts the store's requests in flight and drops their answers (called when another user signs in). */
  abortInFlight?: (why: string) => void
}

export interface Persistence extends Persistor {
  /** Called by the middleware after every action, with the states before and after it. */
  afterAction(before: unknown, after: unknown, action: UnknownAction): void
  /** Resolves once every operation write asked for so far is done: nothing is sent before it is stored. */
  opsStored(): Promise<void>
  /** Whether this tab is the one that sends (always, without tabs). */
  isSender(): boolean
}

async function defaultStorage(name: string): Promise<SyncStorage> {
  try {
    const { default: localforage } = await import('localforage')
    return localforage.createInstance({ name })
  } catch (cause) {
    throw new SyncSetupError(
      `the default persist storage is localforage, which could not be loaded (${cause instanceof Error ? cause.message : String(cause)}); install localforage or pass persist.storage.`,
    )
  }
}

/**
 * Keeps one store's outbox and synced slices in storage. Hand-written rather than redux-persist's
 * persistReducer because redux-persist rehydrates by replacing slices (work dispatched before the
 * restore would be overwritten), rewrites a whole slice per change (the outbox must cost bytes in
 * proportion to each operation), and cannot move a corrupt value aside before it is overwritten.
 *
 * - Each operation is its own record, written when it is made or changes and removed when it settles.
 *   A confirmed operation's record goes only after an entity blob that shows its confirmation is
 *   stored, so after a crash the view never reverts a confirmed change (the worst case is sending it
 *   once more under the same idempotency key, which the server applies once).
 * - Entity slices (view plus the confirmed state of records with pending changes) and the metadata are
 *   written at most every `throttleMs`, and on `flush`, `pagehide` and when the page is hidden.
 */
export function createPersistence(config: PersistenceConfig): Persistence {
  const baseKey = config.options.key ?? 'rtk-offline'
  const version = config.options.version ?? 1
  const throttleMs = config.options.throttleMs ?? 250
  if (!Number.isInteger(version) || version < 1)
    throw new TypeError(`rtk-offline: persist.version must be an integer ≥ 1, got ${String(version)}.`)
  if (!(throttleMs >= 0)) throw new TypeError(`rtk-offline: persist.throttleMs must be a number ≥ 0, got ${String(throttleMs)}.`)

  const storagePromise = config.options.storage ? Promise.resolve(config.options.storage) : defaultStorage(baseKey)
  let storage: SyncStorage | null = null
  let queue: ReturnType<typeof createWriteQueue> | null = null
  let keys: StorageKeys = storageKeys(baseKey, null)
  // Nothing is written until the restore succeeded: a failed or unfinished restore leaves storage as it was.
  let writable = false
  let stopped = false
  const dirtyEntities = new Set<string>()
  let metaDirty = false
  /** Confirmed operations whose records may go once an entity blob showing the confirmation is stored. */
  const awaitingBlob = new Set<string>()
  let timer: unknown
  let restoring: Promise<void> = Promise.resolve()
  let election: SenderElection | null = null
  let channel: ReturnType<typeof createTabChannel> | null = null
  let sender = config.tabId === null

  /** Joins the other tabs of this namespace: one channel for changes, one election for the sender. */
  function joinTabs(namespace: string): void {
    if (config.tabId === null) return
    channel = createTabChannel({ name: `${namespace}:changes`, tabId: config.tabId, dispatch: config.store.dispatch })
    election = createSenderElection({
      name: `${namespace}:sender`,
      ...(config.options.locks === undefined ? {} : { locks: config.options.locks }),
      timers: config.timers,
    })
    election.subscribe((isSender) => {
      sender = isSender
      // A new sender first takes back what a departed one left in flight, then starts draining.
      config.store.dispatch(isSender ? senderElected() : retryDue())
    })
    sender = election.isSender()
    if (sender) config.store.dispatch(senderElected())
  }

  function leaveTabs(): void {
    channel?.close()
    election?.close()
    channel = null
    election = null
    sender = config.tabId === null
  }

  const outboxOf = (state: unknown) => (state as Record<string, OutboxState>)[config.reducerPath]!
  const write = (key: string, value: string | null) => {
    if (writable && queue) queue.set(key, value)
  }
  const writeOp = (op: Operation) => write(keys.op(op.id), JSON.stringify(op))

  function serializeEntity(name: string, state: unknown): string | null {
    const entity = config.entities.get(name)!
    const slice = entity.selectState(state)
    const records = slice.ids.map((id) => slice.entities[id]!)
    const bases = trieValues(slice.pending).map((entry) =>
      entry.madeOn === entry.base ? [entry.id, entry.base] : [entry.id, entry.base, entry.madeOn],
    )
    return JSON.stringify({ records, bases })
  }

  /** Writes the dirty blobs, then lets the records of operations they show confirmed go. */
  async function writeBlobs(): Promise<void> {
    timer = undefined
    if (!writable || !queue) return
    const state = config.store.getState()
    for (const name of dirtyEntities) write(keys.entity(name), serializeEntity(name, state))
    dirtyEntities.clear()
    if (metaDirty) {
      const outbox = outboxOf(state)
      const cursors = Object.fromEntries(Object.entries(outbox.pull).map(([entity, pull]) => [entity, pull.cursor]))
      // After the slices in the same pass (the queue keeps order): a crash between them re-pulls a page
      // already applied, never skips one.
      write(keys.meta, JSON.stringify({ v: version, nextSeq: outbox.nextSeq, conflicts: outbox.conflicts, cursors }))
      metaDirty = false
    }
    const confirmed = [...awaitingBlob]
    awaitingBlob.clear()
    await queue.idle()
    for (const id of confirmed) write(keys.op(id), null)
    await queue.idle()
  }

  function scheduleBlobs(): void {
    if (timer !== undefined || stopped) return
    timer = config.timers.setTimeout(() => void writeBlobs(), throttleMs)
  }

  async function restoreNamespace(userId: string | null): Promise<void> {
    storage ??= await storagePromise
    queue ??= createWriteQueue(storage, (error, key) => {
      config.onError(error)
      config.store.dispatch(storageFailed({ ...toErrorInfo(error), message: `writing "${key}" failed: ${toErrorInfo(error).message}` }))
    })
    keys = storageKeys(baseKey, userId)
    const result = await restore(storage, keys, {
      entityNames: [...config.entities.keys()],
      version,
      migrations: config.options.migrations ?? {},
      now: config.now,
    })
    for (const problem of result.problems) config.store.dispatch(storageCorrupted(problem))
    const stored = result.state.ops.filter((op) => config.entities.has(op.entity))
    // Work dispatched before the restore finished gets seqs after everything stored, in its own order.
    const before = outboxOf(config.store.getState())
    const mine = [...trieValues(before.ops), ...trieValues(before.failed)].sort((a, b) => a.seq - b.seq)
    let counter = Math.max(result.state.meta.nextSeq, before.nextSeq)
    const renumber: Array<[number, number]> = mine.map((op) => [op.seq, config.seqFor(counter++)])
    config.store.dispatch(
      rehydrated({
        userId,
        nextSeq: counter,
        conflicts: result.state.meta.conflicts,
        cursors: result.state.meta.cursors,
        entities: result.state.entities,
        ops: stored,
        renumber,
      }),
    )
    writable = true
    joinTabs(keys.namespace)
    channel?.open()
    // Store what storage does not hold yet (work from before the restore), or everything after a migration.
    const storedIds = new Set(result.migrated ? [] : stored.map((op) => op.id))
    const after = outboxOf(config.store.getState())
    for (const op of [...trieValues(after.ops), ...trieValues(after.failed)]) if (!storedIds.has(op.id)) writeOp(op)
    // The blobs are rewritten only when what storage holds no longer matches them: after a migration,
    // after moving bad values aside, or with work from before the restore. Otherwise there is nothing
    // to write, and at 10,000 records rewriting them is most of the restore's cost.
    if (result.migrated || result.problems.length > 0 || mine.length > 0) {
      for (const name of config.entities.keys()) dirtyEntities.add(name)
      metaDirty = true
      await writeBlobs()
    }
  }

  function start(userId: string | null): Promise<void> {
    restoring = restoreNamespace(userId).catch((error: unknown) => {
      config.store.dispatch(storageFailed(toErrorInfo(error)))
      throw error
    })
    return restoring
  }

  const ready = start(outboxOf(config.store.getState()).userId)
  // `ready` is for the app to await; an unobserved failure is already in the store as storageFailed.
  ready.catch(() => {})

  const onHide = () => void persistence.flush()
  const onVisibility = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') onHide()
  }
  if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
    window.addEventListener('pagehide', onHide)
    window.addEventListener('visibilitychange', onVisibility)
  }

  const persistence: Persistence = {
    ready,
    afterAction(before, after, action) {
      if (!writable || stopped) return
      // Another tab's change: that tab stores it; this one only shows it.
      if (isRemoteAction(action)) return
      channel?.post(action)
      if (before === after) return
      // A restore or a user switch replaces the state wholesale; what it holds is stored by restoreNamespace.
      if (rehydrated.match(action) || userSwitched.match(action)) return
      const outboxBefore = outboxOf(before)
      const outboxAfter = outboxOf(after)
      if (outboxBefore !== outboxAfter) {
        const present = new Map<string, Operation>()
        const gone = new Set<string>()
        const visit = (old: Operation | undefined, next: Operation | undefined) => {
          if (next) present.set(next.id, next)
          else if (old) gone.add(old.id)
        }
        diffTrie(outboxBefore.ops, outboxAfter.ops, visit)
        diffTrie(outboxBefore.failed, outboxAfter.failed, visit)
        for (const op of present.values()) writeOp(op)
        const settled = opsSettled.match(action)
        for (const id of gone) {
          if (present.has(id)) continue
          // Confirmed: the record stays until the slice showing the confirmation is stored. Dropped or
          // discarded: it goes now, or a restore would bring it back.
          if (settled) awaitingBlob.add(id)
          else write(keys.op(id), null)
        }
        if (
          outboxBefore.nextSeq !== outboxAfter.nextSeq ||
          outboxBefore.conflicts !== outboxAfter.conflicts ||
          outboxBefore.pull !== outboxAfter.pull
        )
          metaDirty = true
      }
      const rootBefore = before as Record<string, unknown>
      const rootAfter = after as Record<string, unknown>
      for (const name of config.entities.keys()) if (rootBefore[name] !== rootAfter[name]) dirtyEntities.add(name)
      if (dirtyEntities.size > 0 || metaDirty || awaitingBlob.size > 0) scheduleBlobs()
    },
    isSender: () => sender,
    async opsStored() {
      await restoring.catch(() => {})
      await queue?.idle()
    },
    async flush() {
      await restoring.catch(() => {})
      if (timer !== undefined) config.timers.clearTimeout(timer)
      await writeBlobs()
      await queue?.idle()
    },
    async switchUser(userId) {
      if (typeof userId !== 'string' && userId !== null)
        throw new TypeError(`rtk-offline: switchUser takes a user id string or null, got ${String(userId)}.`)
      // Durability invariant 4: what the user who leaves has in flight is aborted at once, before the
      // app's credentials can change under it and before the new user's outbox (whose seqs start
      // again) is restored; its late answers are ignored, and the operations go again when that user is back.
      if (outboxOf(config.store.getState()).userId !== userId) config.abortInFlight?.('Another user signed in')
      await persistence.flush()
      if (outboxOf(config.store.getState()).userId === userId && writable) return
      writable = false
      leaveTabs()
      awaitingBlob.clear()
      dirtyEntities.clear()
      metaDirty = false
      config.store.dispatch(userSwitched({ userId, hydrated: false }))
      await start(userId)
    },
    async purge(userId) {
      if (outboxOf(config.store.getState()).userId === userId)
        throw new TypeError('rtk-offline: purge() does not delete the signed-in user\'s outbox; switchUser() to someone else (or null) first.')
      storage ??= await storagePromise
      const target = storageKeys(baseKey, userId)
      const quarantined = `${target.namespace}/quarantine/`
      for (const key of await listKeys(storage))
        if (key.startsWith(`${target.namespace}/`) && !key.startsWith(quarantined)) await storage.removeItem(key)
    },
    stop() {
      stopped = true
      leaveTabs()
      if (timer !== undefined) config.timers.clearTimeout(timer)
      if (typeof window !== 'undefined' && typeof window.removeEventListener === 'function') {
        window.removeEventListener('pagehide', onHide)
        window.removeEventListener('visibilitychange', onVisibility)
      }
    },
    stats: () => queue?.stats() ?? { bytes: 0, writes: 0 },
  }
  return persistence
}
