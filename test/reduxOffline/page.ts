import { combineReducers, configureStore, type Middleware, type Reducer, type UnknownAction } from '@reduxjs/toolkit'
import { createManualNetworkStatus, createOfflineSync, type OfflineSyncOptions, type SyncAdapter } from '../../src'
import { createPersistence, type PersistOptions, type SyncStorage } from '../../src/persist'
import { createReduxOffline, type ReduxOfflineOptions } from '../../src/reduxOffline'

/** A todo list reduced the redux-offline way: optimistic on the action, settled by commit/rollback. */
export interface Todo {
  id: string
  title: string
  synced: boolean
}

/** The app's reducer, as a redux-offline app writes it: plain action types, commit and rollback named in the action. */
export function todosReducer(state: Todo[] = [], action: UnknownAction): Todo[] {
  const meta = action.meta as { id?: string } | undefined
  switch (action.type) {
    case 'ADD_TODO':
      return [...state, action.payload as Todo]
    case 'ADD_TODO_COMMIT':
      return state.map((todo) => (todo.id === meta?.id ? { ...todo, synced: true } : todo))
    case 'ADD_TODO_ROLLBACK':
      return state.filter((todo) => todo.id !== meta?.id)
    default:
      return state
  }
}

/** The action a redux-offline app dispatches to add a todo. */
export const addTodo = (id: string, title: string) => ({
  type: 'ADD_TODO',
  payload: { id, title, synced: false },
  meta: {
    offline: {
      effect: { url: `/todos`, method: 'POST', json: { id, title } },
      commit: { type: 'ADD_TODO_COMMIT', meta: { id } },
      rollback: { type: 'ADD_TODO_ROLLBACK', meta: { id } },
    },
  },
})

let pages = 0

/**
 * One page of an app on the compatibility layer: a store with the todos slice, the queued actions and the
 * sync slice, every action recorded. With `storage`, persistence is on (no tabs) and started.
 */
export function loadCompatPage(
  options: Pick<ReduxOfflineOptions, 'effect' | 'discard' | 'holdUntil'> & {
    storage?: SyncStorage
    /** Persistence options over the defaults here (tabs off, throttle 10 ms). */
    persist?: Partial<PersistOptions>
    online?: boolean
    sync?: Partial<Omit<OfflineSyncOptions, 'entities' | 'adapter' | 'persist'>>
    adapter?: SyncAdapter
    entities?: OfflineSyncOptions['entities']
    reducers?: Record<string, (state: unknown, action: UnknownAction) => unknown>
  },
) {
  const network = createManualNetworkStatus(options.online ?? false)
  // Ids unique across pages (a reload restores the ids an earlier page made).
  const page = ++pages
  let n = 0
  const errors: unknown[] = []
  const reduxOffline = createReduxOffline({ effect: options.effect, discard: options.discard, holdUntil: options.holdUntil, random: () => 0.5, generateId: () => `p${page}-q${++n}` })
  let ops = 0
  const sync = createOfflineSync({
    entities: [reduxOffline.entity, ...(options.entities ?? [])],
    adapter: reduxOffline.adapter(options.adapter),
    network,
    generateId: () => `p${page}-op${++ops}`,
    random: () => 0.5,
    onError: (error) => errors.push(error),
    ...options.sync,
    ...(options.storage ? { persist: createPersistence({ storage: options.storage, throttleMs: 10, tabs: false, ...options.persist }) } : {}),
  })
  const actions: UnknownAction[] = []
  const recorder: Middleware = () => (next) => (action) => {
    actions.push(action as UnknownAction)
    return next(action)
  }
  const store = configureStore({
    // Typed loosely: the test's extra reducers vary.
    reducer: combineReducers({
      todos: todosReducer,
      [reduxOffline.name]: reduxOffline.reducer,
      [sync.reducerPath]: sync.reducer,
      ...(options.reducers ?? {}),
    } as Record<string, Reducer>) as unknown as Reducer<{ todos: Todo[]; [slice: string]: unknown }>,
    middleware: (getDefault) =>
      getDefault()
        .prepend(recorder)
        .concat(reduxOffline.middleware, sync.middleware),
  })
  const persistor = options.storage ? sync.persist(store) : null
  return {
    store,
    sync,
    reduxOffline,
    network,
    persistor,
    errors,
    /** The id of the n-th operation this page made. */
    opId: (n: number) => `p${page}-op${n}`,
    /** Types of the actions dispatched so far that are not the library's own (`offline/…`, the queue's). */
    appActions: () => actions.filter((action) => !action.type.startsWith('offline/') && !action.type.startsWith('reduxOffline/')),
    outbox: () => reduxOffline.selectOutbox(store.getState()),
    status: () => sync.selectors.selectStatus(store.getState()),
    todos: () => store.getState().todos,
  }
}
