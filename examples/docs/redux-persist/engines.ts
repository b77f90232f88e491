import localforage from 'localforage'
import { createMigrate, type PersistedState, type Storage } from 'redux-persist'
import { createPersistence, type SyncStorage } from 'rtk-offline/persist'

// localforage (IndexedDB) is a redux-persist engine and lists its keys: one instance serves both.
export const forBoth = localforage.createInstance({ name: 'my-app' })
export const withLocalforage = createPersistence({ storage: forBoth, key: 'my-app' })
export const reduxPersistOnLocalforage = { key: 'root', storage: forBoth as Storage, blacklist: ['todos', 'offline'] }

// React Native's AsyncStorage (getItem, setItem, removeItem, getAllKeys) serves both as it is.
declare const AsyncStorage: SyncStorage & Storage
export const withAsyncStorage = createPersistence({ storage: AsyncStorage, key: 'my-app', tabs: false })

// An app whose redux-persist stored `todos` before they moved to rtk-offline: a migration drops the old
// copy, or its REHYDRATE would put it back over the restored slice (a blacklist stops writes, not reads).
const dropMovedSlices = (state: PersistedState): PersistedState => {
  if (!state) return state
  const { todos: _moved, ...rest } = state as PersistedState & { todos?: unknown }
  return rest as PersistedState
}
export const reduxPersistAfterTheMove = {
  key: 'root',
  storage: forBoth as Storage,
  blacklist: ['todos', 'offline'],
  version: 1,
  migrate: createMigrate({ 1: dropMovedSlices }),
}
