import type { UnknownAction } from '@reduxjs/toolkit'
import type { Timers } from './core/timers'
import type { EntityInternals, EntityPersistenceReducer } from './slices/createSyncedEntity'
import type { OutboxConfig, SyncCase } from './slices/outbox/syncCase'

/**
 * The contract between the core and persistence: what `createOfflineSync` calls on the `persist` option.
 * Persistence itself lives in `rtk-offline/persist` (`createPersistence`), so an app that never persists
 * ships none of it; the core imports nothing from there, only these types.
 */

/** What `sync.persist(store)` returns. */
export interface Persistor {
  /** Resolves once storage is restored (sending starts then); rejects with a SyncStorageError when storage cannot be used. */
  readonly ready: Promise<void>
  /** Resolves once everything dispatched so far is in storage. */
  flush(): Promise<void>
  /**
   * Signs another user in (or out, with null): what was dispatched so far is flushed under the current
   * user, the slices empty, and the new user's outbox is restored. Nothing of one user is ever sent
   * while another is signed in. The outbox of the user who left stays in storage until purged. A switch
   * asked for before the last one finished waits for it (they run in the order asked).
   */
  switchUser(userId: string | null): Promise<void>
  /** Deletes a user's stored outbox and slices (not the quarantined values). Not for the signed-in user. */
  purge(userId: string | null): Promise<void>
  /** Stops writing and listening (tests, teardown). */
  stop(): void
  /** Characters and writes sent to storage so far. */
  stats(): { bytes: number; writes: number }
}

/** What the core hands persistence when `sync.persist(store)` starts it for one store. */
export interface PersistenceStart {
  /** Where the sync slice is mounted. */
  reducerPath: string
  /** The synced entities, by name. */
  entities: ReadonlyMap<string, EntityInternals>
  /** The store, as the middleware knows it. */
  store: { getState(): unknown; dispatch(action: UnknownAction): unknown }
  now: () => number
  timers: Timers
  /** The seq an operation gets from a counter (counter × seq slots + this store's slot). */
  seqFor: (counter: number) => number
  /** The counter that comes after a seq (the inverse of `seqFor`, plus one). */
  counterAfter: (seq: number) => number
  /**
   * With tabs: records this store's seq slot once persistence has claimed it (before the restore numbers
   * anything); seqs are made with slot 0 until then and renumbered by the restore.
   */
  setSlot: (slot: number) => void
  /** Storage errors (the core reports them to `onError` as raised by 'storage'). */
  onError: (error: unknown) => void
  /** Aborts the store's requests in flight and drops their answers (called when another user signs in). */
  abortInFlight: (why: string) => void
}

/** Persistence started for one store: the persistor, and what the middleware and the drain call on it. */
export interface StorePersistence extends Persistor {
  /** Called by the middleware after every action, with the states before and after it. */
  afterAction(before: unknown, after: unknown, action: UnknownAction): void
  /**
   * Resolves once every operation write asked for so far is done: nothing is sent before it is stored.
   * With ids: true only if the records of those operations are stored as they are now (their last write
   * succeeded); false when a write failed or nothing is written (storage not restored, stopped).
   */
  opsStored(ids?: readonly string[]): Promise<boolean>
  /** Whether this tab is the one that sends (always, without tabs). */
  isSender(): boolean
}

/**
 * The reducers of persistence's own actions (the restore, tabs, storage health). They live in
 * `rtk-offline/persist` and createOfflineSync joins them to its slices when it has the `persist` option,
 * so an app that never persists bundles none of them.
 */
export interface PersistenceReducers {
  /**
   * The sync slice's cases of those actions, for one instance. No case of the slice's own parts handles
   * these actions, so they run alone.
   */
  outboxCases(config: OutboxConfig): SyncCase[]
  /** Each synced entity slice's reducer of those actions. */
  entity: EntityPersistenceReducer
}

/**
 * What `createPersistence(options)` from `rtk-offline/persist` returns, for the `persist` option of
 * `createOfflineSync`.
 */
export interface SyncPersistencePlugin {
  /** Marks an object made by `createPersistence` (a plain options object is refused). */
  readonly '~rtkOfflinePersistence': true
  /**
   * Whether tabs share one outbox. Then seqs interleave over `seqSlots` (each tab its own slot), nothing
   * is coalesced (Durability invariant 1 across tabs) and only the sending tab makes the operations that
   * replace failed or parked ones.
   */
  readonly sharesOutbox: boolean
  /** How many seq slots seqs interleave over: one per open tab with tabs, 1 without. */
  readonly seqSlots: number
  /** Starts persistence for one store (`sync.persist(store)`): restores, then writes every change. */
  start(context: PersistenceStart): StorePersistence
  /** The reducers of persistence's actions, joined to the slices by createOfflineSync. */
  readonly reducers: PersistenceReducers
}
