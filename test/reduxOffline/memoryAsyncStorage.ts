import type { AsyncStorageLike } from '../../examples/redux-offline-app/asyncStorage'

/**
 * An in-memory AsyncStorage (as the one React Native's AsyncStorage ships for jest): each call answers
 * on a later macrotask, through its callback and its promise.
 */
export function createMemoryAsyncStorage(data = new Map<string, string>()): AsyncStorageLike & { data: Map<string, string> } {
  const later = <T>(value: () => T, callback?: (error: Error | null, value: T) => void): Promise<T> =>
    new Promise((resolve) =>
      setTimeout(() => {
        const result = value()
        callback?.(null, result)
        resolve(result)
      }, 0),
    )
  return {
    data,
    getItem: (key, callback) => later(() => data.get(key) ?? null, callback),
    setItem: (key, value, callback) => later(() => void data.set(key, value), callback),
    removeItem: (key, callback) => later(() => void data.delete(key), callback),
    getAllKeys: (callback) => later(() => [...data.keys()] as readonly string[], callback),
  }
}
