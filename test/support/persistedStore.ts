import 'fake-indexeddb/auto'
import { afterEach } from 'vitest'
import { configureStore } from '@reduxjs/toolkit'
import localforage from 'localforage'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  type OfflineSyncOptions,
  type SyncAdapter,
} from '../../src'
import { createPersistence, type PersistOptions, type SyncStorage } from '../../src/persist'

export interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}

let instance = 0
/** A fresh localforage over fake-indexeddb: the real IndexedDB driver, no hand-made mock. */
export function freshStorage(): SyncStorage {
  return localforage.createInstance({ name: `rtk-offline-test-${++instance}-${Math.random()}` })
}

/** One "page load": a new store and sync instance on the given storage, persistence started. */
export function loadPage(
  storage: SyncStorage,
  adapter: SyncAdapter,
  options: Partial<Omit<OfflineSyncOptions, 'entities' | 'adapter' | 'persist'>> & { online?: boolean; persist?: PersistOptions } = {},
) {
  const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })
  const network = createManualNetworkStatus(options.online ?? false)
  let n = 0
  const page = `${++instance}`
  const errors: unknown[] = []
  const sync = createOfflineSync({
    entities: [todos],
    adapter,
    network,
    generateId: () => `p${page}-op${++n}`,
    random: () => 0.5,
    onError: (error) => errors.push(error),
    ...options,
    persist: createPersistence({ storage, throttleMs: 10, tabs: false, ...options.persist }),
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const persistor = sync.persist(store)
  const view = () => todos.selectors.selectAll(store.getState())
  const status = () => sync.selectors.selectStatus(store.getState())
  const ops = () => sync.selectors.selectOps(store.getState())
  return { store, todos, sync, network, persistor, view, status, ops, errors }
}

/** `loadPage` for one test file: every page it opens is stopped after the test that opened it. */
export function pageOpener(): (...args: Parameters<typeof loadPage>) => ReturnType<typeof loadPage> {
  const pages: Array<ReturnType<typeof loadPage>> = []
  afterEach(() => {
    for (const page of pages.splice(0)) page.sync.stop()
  })
  return (...args) => {
    const page = loadPage(...args)
    pages.push(page)
    return page
  }
}
