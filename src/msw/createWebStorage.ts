import { SyncSetupError } from 'rtk-offline'
import type { MockBackendSnapshot, MockBackendStorage, WebStorageLike } from './types'

/**
 * A {@link MockBackendStorage} that keeps the backend's data as JSON under `key` in Web Storage, so a
 * browser app mocked with `setupWorker` keeps its "server" data across reloads, and tabs share it.
 *
 * @param key - the Web Storage key, e.g. `'my-app/mock-backend'`
 * @param storage - `localStorage` when left out (looked up at each call); `sessionStorage` or any
 *   object with `getItem` and `setItem` works
 * @example
 * const backend = createMockBackend({ baseUrl: '/api', storage: createWebStorage('my-app/mock-backend') })
 * await setupWorker(...backend.handlers).start()
 */
export function createWebStorage(key: string, storage?: WebStorageLike): MockBackendStorage {
  if (typeof key !== 'string' || key === '')
    throw new SyncSetupError("createWebStorage needs a key, the name to store the data under, e.g. createWebStorage('my-app/mock-backend').")
  if (storage !== undefined && (typeof storage?.getItem !== 'function' || typeof storage.setItem !== 'function'))
    throw new SyncSetupError('createWebStorage\'s storage must have getItem and setItem, like localStorage; leave it out to use localStorage.')

  // The backend skips rebuilding its state when load() returns the object it saw last, so hand out the
  // same object for as long as the stored text is unchanged.
  let lastText: string | null = null
  let last: MockBackendSnapshot | null = null

  const target = (): WebStorageLike => {
    if (storage) return storage
    if (typeof localStorage === 'undefined')
      throw new SyncSetupError('createWebStorage found no localStorage here (Node, a worker); pass one: createWebStorage(key, storage).')
    return localStorage
  }

  return {
    load() {
      const text = target().getItem(key)
      if (text === null) return null
      if (text !== lastText) {
        try {
          // The backend checks the shape of what it loads.
          last = JSON.parse(text) as MockBackendSnapshot
        } catch {
          throw new SyncSetupError(`the mock backend's data under "${key}" is not JSON. Remove it (localStorage.removeItem('${key}')) to start empty.`)
        }
        lastText = text
      }
      return last
    },
    save(snapshot) {
      const text = JSON.stringify(snapshot)
      target().setItem(key, text)
      lastText = text
      last = snapshot
    },
  }
}
