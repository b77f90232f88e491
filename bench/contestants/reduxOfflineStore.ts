import { offline } from '@redux-offline/redux-offline'
import discardModule from '@redux-offline/redux-offline/lib/defaults/discard.js'
import { configureStore, createEntityAdapter, createSlice, type PayloadAction, type StoreEnhancer } from '@reduxjs/toolkit'
import { defaultMiddlewareOptions, type CheckMode } from '../lib/checks'
import { entityState, type BenchRecord } from '../lib/records'

/** redux-persist v4's storage contract, which a localforage instance meets. */
export interface PersistStorage {
  getItem(key: string, callback?: (error: unknown, value: unknown) => void): unknown
  setItem(key: string, value: unknown, callback?: (error: unknown) => void): unknown
  removeItem(key: string, callback?: (error: unknown) => void): unknown
  keys?(callback?: (error: unknown, keys: string[]) => void): unknown
}

export interface ReduxOfflineStoreOptions {
  mode: CheckMode
  /** Where requests go: `{baseUrl}/{entity}[/{id}]`, as for the REST adapter. */
  baseUrl: string
  todos: readonly BenchRecord[]
  /** redux-offline's default persistence (redux-persist 4) on this storage; none when left out. */
  storage?: PersistStorage
  /** Replaces the default fetch effect (the memory workload uses an in-process one). */
  effect?: (effect: unknown) => Promise<unknown>
  /**
   * Start as if these updates had been dispatched offline: each applied to `todos` and its action in
   * the outbox, stamped with its transaction number, as redux-offline's reducer leaves them. Saves the
   * rehydration workload 10,000 dispatches that each copy a 10,000-record entity map.
   */
  madeOffline?: readonly { id: string; changes: Partial<BenchRecord> }[]
}

const defaultDiscard = typeof discardModule === 'function' ? discardModule : discardModule.default

interface OfflineSlice {
  busy: boolean
  online: boolean
  outbox: unknown[]
}

/**
 * redux-offline 2 as its README sets it up: the `offline()` store enhancer with its defaults, except
 * what Node lacks: `detectNetwork` (the default listens to window events) is a callback the workload
 * drives, and persistence is off unless a storage is given. Each change is an action carrying
 * `meta.offline.effect` (a fetch request); the app's reducer applies it optimistically.
 */
export function createReduxOfflineStore(options: ReduxOfflineStoreOptions) {
  const adapter = createEntityAdapter<BenchRecord>()
  const effectOf = (method: string, url: string, json?: unknown) => ({
    effect: json === undefined ? { url, method } : { url, method, json },
  })
  type Update = { id: string; changes: Partial<BenchRecord> }
  const todos = createSlice({
    name: 'todos',
    initialState: adapter.getInitialState(),
    reducers: {
      updated: {
        reducer: (state, action: PayloadAction<Update>) => void adapter.updateOne(state, action.payload),
        prepare: (update: Update) => ({
          payload: update,
          meta: { offline: effectOf('PATCH', `${options.baseUrl}/todos/${encodeURIComponent(update.id)}`, update.changes) },
        }),
      },
    },
  })
  const notes = createSlice({
    name: 'notes',
    initialState: adapter.getInitialState(),
    reducers: {
      added: {
        reducer: (state, action: PayloadAction<BenchRecord>) => void adapter.addOne(state, action.payload),
        prepare: (record: BenchRecord) => ({ payload: record, meta: { offline: effectOf('POST', `${options.baseUrl}/notes`, record) } }),
      },
    },
  })

  let setOnline: (online: boolean) => void = () => {
    throw new Error('redux-offline did not call detectNetwork')
  }
  let rehydrated!: () => void
  const ready = new Promise<void>((resolve) => (rehydrated = resolve))
  // Its default `discard` drops an action whose request failed without an HTTP status (a network error)
  // or with a 4xx: wrapped only to count, so a drain that lost an operation says so.
  let rolledBack = 0
  const enhancer = offline({
    discard: (error, action, retries) => {
      const drop = defaultDiscard(error, action, retries)
      if (drop) rolledBack += 1
      return drop
    },
    detectNetwork: (callback) => {
      setOnline = callback
    },
    // The config is spread over the defaults, so an explicit undefined turns persistence (and rehydration) off.
    ...(options.storage
      ? { persistOptions: { storage: options.storage }, persistCallback: () => rehydrated() }
      : { persist: undefined }),
    ...(options.effect ? { effect: options.effect as never } : {}),
  }) as unknown as StoreEnhancer
  if (!options.storage) rehydrated()

  let todoRecords = options.todos
  let preloadedOffline: Record<string, unknown> | undefined
  if (options.madeOffline) {
    const byId = new Map(options.todos.map((record) => [record.id, record]))
    for (const { id, changes } of options.madeOffline) byId.set(id, { ...byId.get(id)!, ...changes })
    todoRecords = [...byId.values()]
    preloadedOffline = {
      // redux-offline's initial offline state (src/updater.js), with the outbox its reducer would have built.
      busy: false,
      lastTransaction: options.madeOffline.length,
      online: false,
      outbox: options.madeOffline.map((update, index) => {
        const action = todos.actions.updated(update)
        return { ...action, meta: { ...action.meta, transaction: index + 1 } }
      }),
      retryCount: 0,
      retryScheduled: false,
      netInfo: { isConnectionExpensive: null, reach: 'NONE' },
    }
  }

  const store = configureStore({
    reducer: { todos: todos.reducer, notes: notes.reducer },
    preloadedState: {
      todos: entityState(todoRecords),
      notes: adapter.getInitialState(),
      ...(preloadedOffline ? ({ offline: preloadedOffline } as object) : {}),
    },
    middleware: (getDefault) => getDefault(defaultMiddlewareOptions(options.mode)),
    enhancers: (getDefault) => getDefault().concat(enhancer),
  })
  const offlineState = () => (store.getState() as unknown as { offline: OfflineSlice }).offline
  return {
    store,
    /** Resolves once redux-persist has restored the (empty) stored state; at once without persistence. */
    ready,
    setOnline: (online: boolean) => setOnline(online),
    update: (id: string, changes: Partial<BenchRecord>) => store.dispatch(todos.actions.updated({ id, changes })),
    addNote: (record: BenchRecord) => store.dispatch(notes.actions.added(record)),
    record: (id: string) => store.getState().todos.entities[id],
    pending: () => offlineState().outbox.length,
    isDrained: () => offlineState().outbox.length === 0 && !offlineState().busy,
    isBusy: () => offlineState().busy,
    /** Actions its default discard dropped (rolled back) so far. */
    rolledBack: () => rolledBack,
  }
}
