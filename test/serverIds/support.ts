import { configureStore } from '@reduxjs/toolkit'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  serverAssignedIds,
  type OfflineSyncOptions,
} from '../../src'
import { createPersistence, type PersistOptions, type SyncStorage } from '../../src/persist'

export const baseUrl = 'http://localhost/api'

export interface List {
  id: string
  name: string
  version?: number
}

export interface Item {
  id: string
  title: string
  listId: string
  version?: number
}

/** A store with lists (server ids) and items (server ids, each in a list) on the REST adapter; offline until told. */
export function openStore(
  options: Partial<Omit<OfflineSyncOptions, 'entities' | 'adapter' | 'persist'>> & { storage?: SyncStorage; online?: boolean; pull?: boolean; confirmByPull?: boolean; persist?: PersistOptions } = {},
) {
  const pull = options.pull === true ? {} : false
  const lists = createSyncedEntity<List>({ name: 'lists', serverIds: serverAssignedIds(), pull })
  const items = createSyncedEntity<Item>({ name: 'items', serverIds: serverAssignedIds(), references: { listId: 'lists' }, pull })
  const network = createManualNetworkStatus(options.online ?? false)
  const errors: unknown[] = []
  let n = 0
  const page = Math.random().toString(36).slice(2, 6)
  const { storage, online: _online, pull: _pull, confirmByPull, persist, ...rest } = options
  const sync = createOfflineSync({
    entities: [lists, items],
    adapter: createRestAdapter({ baseUrl, confirmByPull: confirmByPull === true }),
    network,
    generateId: () => `${page}-op${++n}`,
    random: () => 0.5,
    retry: { baseDelayMs: 10, maxDelayMs: 10 },
    pullIntervalMs: 0,
    onError: (error) => errors.push(error),
    ...(storage ? { persist: createPersistence({ storage, throttleMs: 5, tabs: false, ...persist }) } : {}),
    ...rest,
  })
  const store = configureStore({
    reducer: { lists: lists.reducer, items: items.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const persistor = storage ? sync.persist(store) : null
  return {
    store,
    lists,
    items,
    sync,
    network,
    persistor,
    errors,
    allLists: () => lists.selectors.selectAll(store.getState()),
    allItems: () => items.selectors.selectAll(store.getState()),
    status: () => sync.selectors.selectStatus(store.getState()),
    ops: () => sync.selectors.selectOps(store.getState()),
    failed: () => sync.selectors.selectFailed(store.getState()),
  }
}
