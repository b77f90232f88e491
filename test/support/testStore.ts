import { configureStore } from '@reduxjs/toolkit'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  type OfflineSyncOptions,
  type SyncAdapter,
} from '../../src'

export interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
  tags?: string[]
  meta?: Record<string, unknown>
}

/** A fresh store with a `todos` entity, a manual network, a hand-driven clock and numbered operation ids. */
export function createTestStore(
  adapter: SyncAdapter,
  options: Partial<Omit<OfflineSyncOptions, 'entities' | 'adapter'>> & { online?: boolean } = {},
) {
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const network = createManualNetworkStatus(options.online ?? true)
  const clock = { now: 1_000_000 }
  let nextId = 0
  const errors: Array<{ error: unknown; raisedBy: string }> = []
  const sync = createOfflineSync({
    entities: [todos],
    adapter,
    network,
    now: () => clock.now,
    random: () => 0.5,
    generateId: () => `op-${++nextId}`,
    onError: (error, { raisedBy }) => errors.push({ error, raisedBy }),
    ...options,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const view = () => todos.selectors.selectAll(store.getState())
  const status = () => sync.selectors.selectStatus(store.getState())
  return { store, todos, sync, network, clock, errors, view, status }
}
