import type { UnknownAction } from '@reduxjs/toolkit'
import { SyncSetupError, SyncStorageError, type OutboxState } from 'rtk-offline'
import { holdSending, leaveHeld, releaseLeftover, takeLeftover } from './holdSending'
import { readPersistedOutbox, type PersistedFormat } from './persistedOutbox'
import type { ReduxOffline } from './types'

/** A redux-persist storage engine (web localStorage, AsyncStorage, localforage…): what the importer uses of it. */
export interface ReduxPersistStorage {
  getItem(key: string): Promise<string | null> | string | null
  setItem(key: string, value: string): Promise<unknown> | unknown
  removeItem(key: string): Promise<unknown> | unknown
}

/** Options of {@link importReduxOfflineOutbox}. */
export interface ImportReduxOfflineOptions {
  /** The store made with `reduxOffline.middleware` and `sync.middleware`. */
  store: { getState(): unknown; dispatch(action: UnknownAction): unknown }
  /** The sync instance (its reducer path is read to pause sending during the import). */
  sync: { readonly reducerPath: string }
  /** What `sync.persist(store)` returned: the import waits for its restore and flushes through it. */
  persistor: { readonly ready: Promise<void>; flush(): Promise<void> }
  /** The compatibility layer the queued actions go to. */
  reduxOffline: ReduxOffline
  /** The storage redux-persist wrote redux-offline's state to (the same engine your old store used). */
  storage: ReduxPersistStorage
  /**
   * The key redux-persist stored it under: `reduxPersist:offline` with redux-offline's default
   * persistence (redux-persist 4); `persist:<your key>` with redux-persist 5+ (`persist:root` when the
   * root reducer was persisted, the offline state being one of its fields).
   * @default 'reduxPersist:offline'
   */
  key?: string
  /**
   * The Web Locks API that lets one tab import at a time; null imports without it (one page only, such
   * as React Native). Pass the same as createPersistence's `locks`.
   * @default navigator.locks where it exists
   */
  locks?: LockManager | null
}

/** What {@link importReduxOfflineOutbox} did. */
export interface ImportReduxOfflineResult {
  /** How the key was written, or null when storage held nothing under it. */
  format: PersistedFormat | null
  /** Actions queued now. */
  imported: number
  /** Actions an earlier, interrupted import had queued already (found by their record id). */
  alreadyQueued: number
  /**
   * Outbox entries that are not redux-offline actions (no `type` or no `meta.offline.effect`): not
   * queued, and kept in storage under `<key>:unimported`.
   */
  invalid: number
}

/**
 * Moves a redux-offline outbox persisted by redux-persist into rtk-offline's outbox, once: reads it,
 * queues each action (its optimistic change is already in your persisted state, so it is not dispatched
 * to your reducers), waits until they are stored, and only then removes the old key (with `persist:root`,
 * only its `offline` field). Sending is paused from the call until the old key is gone, so no imported
 * action can run before then.
 *
 * Call it right after `sync.persist(store)`, before awaiting `persistor.ready` and before redux-persist's
 * `persistStore` if you keep it for other slices. A crash at any step neither loses nor repeats work: the
 * next start imports again, and actions already queued (stored) are recognised by their record id, made
 * from the key and the action's place in the old outbox. If it rejects after queueing, sending stays paused
 * (the old key still holds the queue): call it again, which resumes sending once done.
 *
 * @example
 * ```ts
 * const persistor = sync.persist(store)
 * await importReduxOfflineOutbox({ store, sync, persistor, reduxOffline, storage: localStorage })
 * ```
 */
export async function importReduxOfflineOutbox(options: ImportReduxOfflineOptions): Promise<ImportReduxOfflineResult> {
  const { store, sync, persistor, reduxOffline, storage } = options
  const key = options.key ?? 'reduxPersist:offline'
  const outbox = () => (store.getState() as Record<string, OutboxState | undefined>)[sync.reducerPath]
  if (process.env.NODE_ENV !== 'production' && (!persistor || typeof persistor.flush !== 'function'))
    throw new SyncSetupError('importReduxOfflineOutbox needs `persistor`: what sync.persist(store) returned (the import is durable only with createPersistence).')
  // Sending waits until the old key is gone: an imported action confirmed (and dropped from the queue)
  // before that would be imported again after a crash, and its effect would run twice.
  const adopted = takeLeftover(reduxOffline)
  const release = adopted
    ? () => releaseLeftover(reduxOffline, (action) => store.dispatch(action))
    : holdSending(reduxOffline, (action) => store.dispatch(action), outbox()?.paused === true)
  const result: ImportReduxOfflineResult = { format: null, imported: 0, alreadyQueued: 0, invalid: 0 }
  let queuedAny = false
  // Tabs: one import at a time. Two tabs reading the key at once would each queue every action under
  // an operation of its own, and each effect would run twice (a tab sees the other's queued actions only
  // once they reach it); one after another, the later finds the key gone, or the actions an interrupted
  // import had queued already in its view.
  const locks = options.locks === undefined ? globalThis.navigator?.locks : options.locks
  const move = async () => {
    const raw = await storage.getItem(key)
    const persisted = raw === null || raw === undefined ? 'absent' : readPersistedOutbox(raw)
    if (persisted !== 'absent') {
      if (!persisted)
        throw new SyncStorageError(
          'storage-failed',
          `importReduxOfflineOutbox: the value under "${key}" is not a redux-offline state written by redux-persist 4 or 5; nothing was imported and it is left as it is.`,
        )
      result.format = persisted.format
      const view = (store.getState() as Record<string, { entities: Record<string, unknown> } | undefined>)[reduxOffline.name]
      for (const { action, index } of persisted.actions) {
        const transaction = (action.meta as { transaction?: unknown }).transaction
        const id = `${key}#${typeof transaction === 'number' ? transaction : `i${index}`}`
        if (view && id in view.entities) {
          result.alreadyQueued++
          continue
        }
        queuedAny = true
        store.dispatch(reduxOffline.queued(action, id))
        result.imported++
      }
      await persistor.flush()
      result.invalid = persisted.invalid.length
      if (persisted.invalid.length > 0) await storage.setItem(`${key}:unimported`, JSON.stringify(persisted.invalid))
      if (persisted.remainder === null) await storage.removeItem(key)
      else await storage.setItem(key, persisted.remainder)
    }
  }
  try {
    await persistor.ready
    await (locks ? locks.request(`rtk-offline/import ${key}`, move) : move())
  } catch (error) {
    // Nothing queued (by this call or a failed one before it): sending may go on. Otherwise it stays
    // paused until an import succeeds (see above).
    if (queuedAny || adopted) leaveHeld(reduxOffline)
    else release()
    throw error
  }
  release()
  return result
}
