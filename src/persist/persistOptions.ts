import type { PersistMigrations } from './restore'
import type { SyncStorage } from './storage'

/** Options of `createPersistence`. */
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
   * @default true where BroadcastChannel exists in a page (`window`) or a worker with Web Locks; false in
   * Node, where a process is alone with its storage (pass `true` for worker threads sharing one storage)
   */
  tabs?: boolean
  /**
   * The Web Locks API that elects the sending tab; null uses the BroadcastChannel heartbeat fallback.
   * @default navigator.locks where it exists
   */
  locks?: LockManager | null
}
