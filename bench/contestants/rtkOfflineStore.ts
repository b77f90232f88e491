import { configureStore } from '@reduxjs/toolkit'
import type { ManualNetworkStatus, SyncAdapter } from 'rtk-offline'
import type { Persistor, SyncStorage } from 'rtk-offline/persist'
import { defaultMiddlewareOptions, type CheckMode } from '../lib/checks'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { entityState, type BenchRecord } from '../lib/records'
import { rtkOfflinePersist } from './rtkOfflinePersist'

export interface RtkOfflineStoreOptions {
  lib: RtkOffline
  mode: CheckMode
  adapter: SyncAdapter
  /** Confirmed records of `todos`, preloaded (as if rehydrated): the server holds them at version 1. */
  todos: readonly BenchRecord[]
  online: boolean
  coalesce?: boolean
  batchSize?: number
  /** The durable outbox on this storage (see rtkOfflinePersist.ts); started at once with `sync.persist(store)`. */
  storage?: SyncStorage
  /** Leave the `todos` view empty (a store that will be filled by rehydration). */
  emptyView?: boolean
}

/**
 * rtk-offline as the README sets it up: two synced entities (`todos`, and `notes` for records created
 * offline) with pull off, the sync slice, the middleware after configureStore's defaults, and a manual
 * network status.
 * Errors the engine reports are collected, and the workloads fail on any.
 */
export function createRtkOfflineStore(options: RtkOfflineStoreOptions) {
  const { lib } = options
  // Pull off: the workloads measure pushing changes (redux-offline has no pull to compare with).
  const todos = lib.createSyncedEntity<BenchRecord>({ name: 'todos', pull: false })
  const notes = lib.createSyncedEntity<BenchRecord>({ name: 'notes', pull: false })
  const network: ManualNetworkStatus = lib.createManualNetworkStatus(options.online)
  const errors: unknown[] = []
  const sync = lib.createOfflineSync({
    entities: [todos, notes],
    adapter: options.adapter,
    network,
    ...(options.coalesce === undefined ? {} : { coalesce: options.coalesce }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.storage ? { persist: rtkOfflinePersist(lib, options.storage) } : {}),
    onError: (error) => errors.push(error),
  })
  const initialTodos = todos.reducer(undefined, { type: 'bench/init' })
  const store = configureStore({
    reducer: { todos: todos.reducer, notes: notes.reducer, [sync.reducerPath]: sync.reducer },
    ...(options.emptyView ? {} : { preloadedState: { todos: { ...initialTodos, ...entityState(options.todos) } } }),
    middleware: (getDefault) => getDefault(defaultMiddlewareOptions(options.mode)).concat(sync.middleware),
  })
  const status = () => sync.selectors.selectStatus(store.getState())
  const persistor: Persistor | null = options.storage ? sync.persist(store) : null
  return {
    store,
    persistor,
    network,
    errors,
    update: (id: string, changes: Partial<BenchRecord>) => store.dispatch(todos.actions.updated({ id, changes })),
    addNotes: (records: readonly BenchRecord[]) => store.dispatch(notes.actions.addedMany(records)),
    record: (id: string) => todos.selectors.selectById(store.getState(), id),
    pending: () => sync.selectors.selectPendingCount(store.getState()),
    /** True once every operation is confirmed; throws when one failed or conflicted (the workloads expect neither). */
    isDrained: () => {
      const { pending, failed } = status()
      if (failed > 0 || sync.selectors.selectConflicts(store.getState()).length > 0)
        throw new Error(`rtk-offline: ${failed} failed operations, ${sync.selectors.selectConflicts(store.getState()).length} conflicts`)
      return pending === 0
    },
    updateMany: (updates: readonly { id: string; changes: Partial<BenchRecord> }[]) => store.dispatch(todos.actions.updatedMany(updates)),
    addTodos: (records: readonly BenchRecord[]) => store.dispatch(todos.actions.addedMany(records)),
    total: () => todos.selectors.selectTotal(store.getState()),
    stop: () => {
      persistor?.stop()
      sync.stop()
    },
  }
}

/**
 * A fast in-process adapter: every operation succeeds at once, the server's copy carrying the next
 * version. For workloads that measure the engine, not the network.
 */
export function createInProcessAdapter(): SyncAdapter & { readonly pushed: number } {
  const records = new Map<string, Record<string, unknown>>()
  let pushed = 0
  return {
    get pushed() {
      return pushed
    },
    async push(operations) {
      pushed += operations.length
      return operations.map((op) => {
        const key = `${op.entity}/${String(op.recordId)}`
        if (op.kind === 'delete') {
          records.delete(key)
          return { type: 'ok' as const }
        }
        const current = op.kind === 'create' ? { version: 0 } : (records.get(key) ?? { version: 1 })
        const record = { ...current, ...op.data, id: op.recordId, version: Number(current.version) + 1 }
        records.set(key, record)
        return { type: 'ok' as const, record }
      })
    },
  }
}
