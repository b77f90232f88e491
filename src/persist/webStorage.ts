import { SyncSetupError } from 'rtk-offline'
import type { SyncStorage } from './storage'

/** What {@link webStorage} uses of Web Storage: `localStorage` and `sessionStorage` have it all. */
export type WebStorageArea = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>

/**
 * A {@link SyncStorage} over Web Storage: `localStorage` (what redux-persist's `redux-persist/lib/storage`
 * engine writes to) or `sessionStorage`. redux-persist's engine offers no way to list keys, which
 * createPersistence needs; Web Storage itself does, so pass it here instead of the engine. Our keys
 * (`<key>/…`) do not meet redux-persist's (`persist:<key>`). Web Storage holds about 5 MB per origin and
 * blocks the page on each write: prefer IndexedDB (the default, through localforage) for large outboxes.
 *
 * @param area - the Web Storage to use; `localStorage` when left out (looked up at each call, so it can
 *   be created after this call, and a missing one is a clear error at the first restore)
 * @example
 * ```ts
 * createPersistence({ storage: webStorage(), key: 'my-app' })
 * ```
 */
export function webStorage(area?: WebStorageArea): SyncStorage {
  // Hand-written: four lines over the Web Storage API, nothing a library would add.
  const target = (): WebStorageArea => {
    if (area) return area
    if (typeof localStorage === 'undefined')
      throw new SyncSetupError('webStorage found no localStorage here (Node, a worker); pass one: webStorage(sessionStorage), or use another storage.')
    return localStorage
  }
  return {
    getItem: (key) => target().getItem(key),
    setItem: (key, value) => target().setItem(key, value),
    removeItem: (key) => target().removeItem(key),
    keys() {
      const storage = target()
      const keys: string[] = []
      for (let index = 0; index < storage.length; index++) {
        const key = storage.key(index)
        if (key !== null) keys.push(key)
      }
      return keys
    },
  }
}
