// The few redux-persist 4 names the migrated app uses, typed by hand: redux-persist 4's own typings
// declare the module "redux-persist" globally, which would clash with this repository's redux-persist 6
// (installed as `redux-persist-v4`, the version redux-offline 2 brings to an app). tsconfig.json's `paths`
// points the name here; at run time it is the package.
import type { Store, StoreEnhancer } from 'redux'

/** A storage engine of redux-persist 4: callbacks or promises. */
export interface V4Storage {
  getItem(key: string, callback?: (error: unknown, value: string | null) => void): unknown
  setItem(key: string, value: string, callback?: (error: unknown) => void): unknown
  removeItem(key: string, callback?: (error: unknown) => void): unknown
  getAllKeys(callback?: (error: unknown, keys: string[]) => void): unknown
}
export interface PersistorConfig {
  blacklist?: string[]
  whitelist?: string[]
  storage?: V4Storage
  keyPrefix?: string
  debounce?: number
}
export interface Persistor {
  purge(keys?: string[]): void
  pause(): void
  resume(): void
}
export function autoRehydrate(config?: { log?: boolean }): StoreEnhancer
export function persistStore(store: Store, config?: PersistorConfig, onComplete?: (error: unknown, restored: unknown) => void): Persistor
