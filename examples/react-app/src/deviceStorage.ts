import type { SyncStorage } from 'rtk-offline/persist'

// localforage, loaded on first use as the library loads it for its default storage (a static import
// here would only make the bundler say it cannot split it out).
const instance = import('localforage').then(({ default: localforage }) => localforage.createInstance({ name: 'field-inventory' }))

/**
 * Where this device keeps its outbox and records: IndexedDB through localforage, which is also the
 * library's default storage, under a name of the app's own so *Start over* can empty it. Every tab of
 * the app shares it.
 */
export const deviceStorage = {
  getItem: async (key: string) => (await instance).getItem<string>(key),
  setItem: async (key: string, value: string) => (await instance).setItem(key, value),
  removeItem: async (key: string) => (await instance).removeItem(key),
  keys: async () => (await instance).keys(),
  /** Empties it (not part of SyncStorage: only *Start over* uses it). */
  clear: async () => (await instance).clear(),
} satisfies SyncStorage & { clear(): Promise<void> }
