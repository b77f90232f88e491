import 'fake-indexeddb/auto'
import { combineReducers, configureStore, createSlice, type PayloadAction } from '@reduxjs/toolkit'
import localforage from 'localforage'
import { FLUSH, PAUSE, PERSIST, PURGE, REGISTER, REHYDRATE, createMigrate, persistReducer, persistStore, type PersistedState, type Storage } from 'redux-persist'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { createPersistence, webStorage, type SyncStorage } from 'rtk-offline/persist'
import { createMockBackend } from 'rtk-offline/msw'
import { useMswServer } from '../support/mswServer'

// rtk-offline/persist next to redux-persist in one store (issue 12): redux-persist keeps the app's other
// slices; the synced slices and the sync slice are left out of it (blacklist) and restored by us.

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}

const baseUrl = 'http://localhost/api'
const backend = createMockBackend({ baseUrl, now: () => 1_700_000_000_000 })
useMswServer(...backend.handlers)
afterEach(() => backend.reset())

/** A fake Web Storage (Node has no localStorage): what redux-persist's `storage` engine wraps in the browser. */
class FakeWebStorage {
  #items = new Map<string, string>()
  get length() {
    return this.#items.size
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.#items.set(key, String(value))
  }
  removeItem(key: string) {
    this.#items.delete(key)
  }
}

/** One storage seen by both: redux-persist's engine and ours. */
interface Engines {
  reduxPersist: Storage
  ours: SyncStorage
}

let instance = 0
const engines: Array<[string, () => Engines]> = [
  [
    'localforage (IndexedDB), one instance for both',
    () => {
      const store = localforage.createInstance({ name: `redux-persist-${++instance}` })
      return { reduxPersist: store, ours: store }
    },
  ],
  [
    'an AsyncStorage-shaped object, one for both',
    () => {
      const items = new Map<string, string>()
      const asyncStorage = {
        getItem: async (key: string) => items.get(key) ?? null,
        setItem: async (key: string, value: string) => void items.set(key, value),
        removeItem: async (key: string) => void items.delete(key),
        getAllKeys: async () => [...items.keys()],
      }
      return { reduxPersist: asyncStorage, ours: asyncStorage }
    },
  ],
  [
    "localStorage: redux-persist's web engine over it, and webStorage(localStorage) for us",
    () => {
      const local = new FakeWebStorage()
      // What `redux-persist/lib/storage` is: localStorage behind promises, with no way to list keys.
      const engine: Storage = {
        getItem: (key: string) => Promise.resolve(local.getItem(key)),
        setItem: (key: string, value: string) => Promise.resolve(local.setItem(key, value)),
        removeItem: (key: string) => Promise.resolve(local.removeItem(key)),
      }
      return { reduxPersist: engine, ours: webStorage(local) }
    },
  ],
]

const settings = createSlice({
  name: 'settings',
  initialState: { theme: 'light' },
  reducers: {
    themeChanged(state, action: PayloadAction<string>) {
      state.theme = action.payload
    },
  },
})

/** A redux-persist migration step: the stored state without `keys` (not even as undefined, which REHYDRATE would set). */
function dropKeys(state: PersistedState, keys: string[]): PersistedState {
  if (!state) return state
  const kept: Record<string, unknown> = { ...state }
  for (const key of keys) delete kept[key]
  return kept as PersistedState
}

/** One page load of the app: redux-persist at the root with our keys blacklisted, our persistence beside it. */
function loadPage(storage: Engines, options: { migrateOldTodos?: boolean } = {}) {
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const network = createManualNetworkStatus(false)
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createRestAdapter({ baseUrl }),
    network,
    retry: { baseDelayMs: 0 },
    persist: createPersistence({ storage: storage.ours, key: 'my-app', tabs: false }),
  })
  const rootReducer = combineReducers({ settings: settings.reducer, todos: todos.reducer, [sync.reducerPath]: sync.reducer })
  const reducer = persistReducer(
    {
      key: 'root',
      storage: storage.reduxPersist,
      blacklist: ['todos', sync.reducerPath],
      ...(options.migrateOldTodos && {
        version: 1,
        // The app persisted `todos` with redux-persist before: drop it from what is stored (see docs/redux-persist.md).
        migrate: createMigrate({ 1: (state) => dropKeys(state, ['todos']) }),
      }),
    },
    rootReducer,
  )
  const store = configureStore({
    reducer,
    middleware: (getDefault) =>
      getDefault({ serializableCheck: { ignoredActions: [FLUSH, REHYDRATE, PAUSE, PERSIST, PURGE, REGISTER] } }).concat(sync.middleware),
  })
  const startReduxPersist = () =>
    new Promise<ReturnType<typeof persistStore>>((resolve) => {
      const persistor = persistStore(store, null, () => resolve(persistor))
    })
  const startOurs = async () => {
    const persistor = sync.persist(store)
    await persistor.ready
    return persistor
  }
  const pending = () => sync.selectors.selectStatus(store.getState()).pending
  return { store, todos, sync, network, startReduxPersist, startOurs, pending }
}

/** A first page load: a theme (redux-persist's) and two todos made offline (ours), all written. */
async function firstVisit(storage: Engines) {
  const page = loadPage(storage)
  const reduxPersistor = await page.startReduxPersist()
  const ours = await page.startOurs()
  page.store.dispatch(settings.actions.themeChanged('dark'))
  page.store.dispatch(page.todos.actions.addedMany([{ id: 'a', title: 'Apples', done: false }, { id: 'b', title: 'Bread', done: false }]))
  page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { done: true } }))
  await reduxPersistor.flush()
  await ours.flush()
  ours.stop()
  reduxPersistor.pause()
}

describe.each(engines)('redux-persist alongside, on %s', (_name, makeStorage) => {
  it('redux-persist stores none of our slices, and we store none of its', async () => {
    const storage = makeStorage()
    await firstVisit(storage)
    const stored = JSON.parse((await storage.reduxPersist.getItem('persist:root')) as string) as Record<string, unknown>
    expect(Object.keys(stored).sort()).toEqual(['_persist', 'settings'])
    const ourKeys = (await (storage.ours.keys?.() ?? storage.ours.getAllKeys!())).filter((key) => !key.startsWith('persist:'))
    expect(ourKeys.every((key) => key.startsWith('my-app/'))).toBe(true)
    expect(ourKeys.some((key) => key.startsWith('my-app/op/'))).toBe(true)
  })

  it('a REHYDRATE after our restore leaves our slices as they are', async () => {
    const storage = makeStorage()
    await firstVisit(storage)
    const page = loadPage(storage)
    await page.startOurs()
    const restored = page.store.getState()
    await page.startReduxPersist()
    const after = page.store.getState()
    expect(after.todos).toBe(restored.todos)
    expect(after.offline).toBe(restored.offline)
    expect(after.settings.theme).toBe('dark')
    expect(page.todos.selectors.selectAll(after)).toEqual([
      { id: 'a', title: 'Apples', done: true },
      { id: 'b', title: 'Bread', done: false },
    ])
    expect(page.pending()).toBe(2)
  })

  it('a REHYDRATE before our restore neither restores our slices nor stops ours from doing it, once', async () => {
    const storage = makeStorage()
    await firstVisit(storage)
    const page = loadPage(storage)
    const initial = page.store.getState()
    await page.startReduxPersist()
    expect(page.store.getState().todos).toBe(initial.todos)
    expect(page.store.getState().settings.theme).toBe('dark')
    await page.startOurs()
    expect(page.todos.selectors.selectIds(page.store.getState())).toEqual(['a', 'b'])
    expect(page.pending()).toBe(2)
    // The restored outbox drains: each operation once.
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.pending()).toBe(0))
    expect(backend.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual(['/todos', '/todos'])
    expect(backend.records('todos').map(({ id, done }) => [id, done])).toEqual([
      ['a', true],
      ['b', false],
    ])
  })

  it('with todos stored by redux-persist before the move, a migration drops them so REHYDRATE cannot overwrite ours', async () => {
    const storage = makeStorage()
    await firstVisit(storage)
    // What the app stored before it moved todos to rtk-offline: the slice under redux-persist's root key.
    const stale = { settings: JSON.stringify({ theme: 'dark' }), todos: JSON.stringify({ ids: ['old'], entities: { old: { id: 'old' } } }), _persist: JSON.stringify({ version: -1, rehydrated: true }) }
    await storage.reduxPersist.setItem('persist:root', JSON.stringify(stale))
    const page = loadPage(storage, { migrateOldTodos: true })
    await page.startOurs()
    const restored = page.store.getState().todos
    await page.startReduxPersist()
    expect(page.store.getState().todos).toBe(restored)
    expect(page.todos.selectors.selectIds(page.store.getState())).toEqual(['a', 'b'])
    expect(page.store.getState().settings.theme).toBe('dark')
  })
})
