import type { SyncStorage } from 'rtk-offline/persist'

/** A storage that lives as long as the process: tests, scripts, a start before the real storage. */
export function memoryStorage(): SyncStorage {
  const items = new Map<string, string>()
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    keys: () => [...items.keys()],
  }
}
