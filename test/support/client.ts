import { configureStore } from '@reduxjs/toolkit'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  type ConflictStrategy,
  type OfflineSyncOptions,
} from 'rtk-offline'

export interface Item {
  id: string
  title: string
  done: boolean
  quantity?: number
  tags?: string[]
  version?: number
  updatedAt?: number
}

let clients = 0

/** One device: a store with an `items` entity talking REST to `baseUrl`, offline until told. */
export function createClient(
  baseUrl: string,
  options: { conflict?: ConflictStrategy<Item>; now?: () => number; limit?: number; params?: Record<string, string> } & Partial<
    Omit<OfflineSyncOptions, 'entities' | 'adapter' | 'conflict'>
  > = {},
) {
  const { conflict, limit, params, ...rest } = options
  const name = `c${++clients}`
  const items = createSyncedEntity<Item>({
    name: 'items',
    ...(conflict ? { conflict } : {}),
    pull: { ...(limit ? { limit } : {}), ...(params ? { params } : {}) },
  })
  const network = createManualNetworkStatus(false)
  let n = 0
  const errors: unknown[] = []
  const sync = createOfflineSync({
    entities: [items],
    adapter: createRestAdapter({ baseUrl }),
    network,
    generateId: () => `${name}-op${++n}`,
    random: () => 0,
    pullIntervalMs: 0,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onError: (error) => errors.push(error),
    ...rest,
  })
  const store = configureStore({
    reducer: { items: items.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const state = () => store.getState()
  return {
    store,
    items,
    sync,
    network,
    errors,
    view: () => items.selectors.selectAll(state()),
    record: (id: string) => items.selectors.selectById(state(), id),
    status: () => sync.selectors.selectStatus(state()),
    open: () => sync.selectors.selectOpenConflicts(state()),
    conflicts: () => sync.selectors.selectConflicts(state()),
    pull: () => sync.selectors.selectPullProgress(state()),
  }
}
