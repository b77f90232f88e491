import { configureStore, createAction, createEntityAdapter, type PayloadAction } from '@reduxjs/toolkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity, SyncSetupError } from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'
import { createPersistence } from 'rtk-offline/persist'
import { useMswServer } from '../support/mswServer'

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
  updatedAt?: number
}
type Filter = 'all' | 'active' | 'done'

const baseUrl = 'http://localhost/api'
const backend = createMockBackend({ baseUrl, now: () => 1_700_000_000_000 })
useMswServer(...backend.handlers)
afterEach(() => backend.reset())

const fetchStarted = createAction('todos/fetchStarted')
const todosAdapter = createEntityAdapter<Todo>()

/** An app whose todos slice came from createSlice + createEntityAdapter: local fields, local reducers, a sort order. */
function createApp(initial: Todo[] = []) {
  const todos = createSyncedEntity({
    name: 'todos',
    initialState: todosAdapter.setAll(todosAdapter.getInitialState({ filter: 'all' as Filter, status: 'idle' as 'idle' | 'loading' }), initial),
    sortComparer: (a, b) => a.title.localeCompare(b.title),
    reducers: {
      filterChanged(state, action: PayloadAction<Filter>) {
        state.filter = action.payload
      },
    },
    extraReducers: (builder) => {
      builder.addCase(fetchStarted, (state) => {
        state.status = 'loading'
      })
    },
  })
  const network = createManualNetworkStatus(false)
  let n = 0
  const sync = createOfflineSync({ entities: [todos], adapter: createRestAdapter({ baseUrl }), network, retry: { baseDelayMs: 0 }, generateId: () => `op-${++n}` })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const pending = () => sync.selectors.selectStatus(store.getState()).pending
  const titles = () => todos.selectors.selectAll(store.getState()).map((todo) => todo.title)
  const writes = () => backend.requests.filter((request) => request.method !== 'GET').map(({ method, path, body }) => [method, path, body])
  /** Online until the pull has brought `id` in. */
  const pulled = async (id: string) => {
    network.setOnline(true)
    await vi.waitFor(() => expect(todos.selectors.selectById(store.getState(), id)).toBeDefined())
  }
  const synced = async () => {
    network.setOnline(true)
    await vi.waitFor(() => expect(sync.selectors.selectStatus(store.getState()).phase).toBe('idle'))
  }
  return { todos, sync, network, store, pending, titles, writes, synced, pulled }
}

describe('upserted', () => {
  it('creates a record the view does not have, then updates only the fields that differ', async () => {
    const app = createApp()
    app.store.dispatch(app.todos.actions.upserted({ id: 'a', title: 'Milk', done: false }))
    await app.synced()
    app.store.dispatch(app.todos.actions.upserted({ id: 'a', title: 'Milk', done: true, version: 7 }))
    // Nothing differs: nothing is queued.
    app.store.dispatch(app.todos.actions.upserted({ id: 'a', title: 'Milk', done: true }))
    expect(app.pending()).toBe(1)
    await app.synced()
    expect(app.writes()).toEqual([
      ['POST', '/todos', { id: 'a', title: 'Milk', done: false }],
      // The version is the server's: left out of the change, sent as If-Match.
      ['PATCH', '/todos/a', { done: true }],
    ])
    expect(backend.record('todos', 'a')).toMatchObject({ title: 'Milk', done: true, version: 2 })
  })

  it('upsertedMany makes one operation per record, each a create or an update', async () => {
    const app = createApp()
    backend.seed('todos', [{ id: 'a', title: 'Milk', done: false }])
    await app.pulled('a')
    app.network.setOnline(false)
    app.store.dispatch(
      app.todos.actions.upsertedMany([
        { id: 'a', title: 'Oat milk', done: false },
        { id: 'b', title: 'Bread', done: false },
      ]),
    )
    expect(app.pending()).toBe(2)
    await app.synced()
    // One batch: its requests may go at once, in any order.
    expect(app.writes().sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([
      ['PATCH', '/todos/a', { title: 'Oat milk' }],
      ['POST', '/todos', { id: 'b', title: 'Bread', done: false }],
    ])
  })
})

describe('loadedFromServer', () => {
  it('replaces the confirmed state and keeps pending changes on top of it, still sent', async () => {
    const app = createApp()
    backend.seed('todos', [
      { id: 'a', title: 'Apples', done: false },
      { id: 'b', title: 'Bread', done: false },
    ])
    await app.pulled('b')
    app.network.setOnline(false)
    app.store.dispatch(app.todos.actions.updated({ id: 'a', changes: { done: true } }))
    app.store.dispatch(app.todos.actions.added({ id: 'c', title: 'Cheese', done: false }))
    // Meanwhile on the server: 'a' renamed, 'b' deleted. The app fetches and loads the server's records.
    const a = backend.editRemote('todos', 'a', { title: 'Avocados' })
    app.store.dispatch(app.todos.actions.loadedFromServer([a as unknown as Todo]))
    const state = app.store.getState().todos
    expect(app.todos.selectors.selectAll(app.store.getState())).toEqual([
      { ...a, done: true }, // the server's record, the pending change replayed on it
      { id: 'c', title: 'Cheese', done: false }, // created here, not sent yet: stays
    ])
    expect(app.pending()).toBe(2) // a load queues nothing and drops nothing
    expect(state.filter).toBe('all')
    await app.synced()
    // As after a pull: the change was made on version 1 and goes with If-Match 1, so it meets the newer
    // record as a conflict, settled by the entity's strategy (server-wins by default), never overwriting it.
    expect(app.writes()).toContainEqual(['PATCH', '/todos/a', { done: true }])
    expect(backend.requests.find((request) => request.method === 'PATCH')).toMatchObject({ ifMatch: '"1"', status: 412 })
    expect(app.sync.selectors.selectConflicts(app.store.getState())).toHaveLength(1)
    expect(backend.record('todos', 'a')).toMatchObject({ title: 'Avocados', done: false })
    expect(backend.record('todos', 'c')).toMatchObject({ title: 'Cheese' })
  })

  it('queues nothing and keeps the sort order', () => {
    const app = createApp()
    app.store.dispatch(
      app.todos.actions.loadedFromServer([
        { id: 'z', title: 'Zucchini', done: false, version: 1 },
        { id: 'b', title: 'Bread', done: false, version: 1 },
      ]),
    )
    expect(app.titles()).toEqual(['Bread', 'Zucchini'])
    expect(app.pending()).toBe(0)
  })

  it('without a sortComparer, keeps the order of the load, as setAll does', () => {
    const notes = createSyncedEntity<{ id: string; text: string }>({ name: 'notes' })
    const sync = createOfflineSync({ entities: [notes], adapter: createRestAdapter({ baseUrl }), network: createManualNetworkStatus(false) })
    const store = configureStore({ reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer }, middleware: (g) => g().concat(sync.middleware) })
    store.dispatch(notes.actions.loadedFromServer([{ id: '1', text: 'one' }, { id: '2', text: 'two' }]))
    store.dispatch(notes.actions.loadedFromServer([{ id: '2', text: 'two' }, { id: '3', text: 'three' }, { id: '1', text: 'one' }]))
    expect(notes.selectors.selectIds(store.getState())).toEqual(['2', '3', '1'])
  })
})

describe('sortComparer', () => {
  it('keeps the view sorted through changes, answers and pulls', async () => {
    const app = createApp()
    app.store.dispatch(
      app.todos.actions.addedMany([
        { id: 'c', title: 'Cheese', done: false },
        { id: 'a', title: 'Apples', done: false },
      ]),
    )
    app.store.dispatch(app.todos.actions.added({ id: 'b', title: 'Bread', done: false }))
    expect(app.titles()).toEqual(['Apples', 'Bread', 'Cheese'])
    app.store.dispatch(app.todos.actions.updated({ id: 'a', changes: { title: 'Zest' } }))
    expect(app.titles()).toEqual(['Bread', 'Cheese', 'Zest'])
    await app.synced()
    expect(app.titles()).toEqual(['Bread', 'Cheese', 'Zest'])
    // Someone else renames and adds; the pull brings it in order.
    backend.editRemote('todos', 'c', { title: 'Anchovies' })
    backend.seed('todos', [{ id: 'd', title: 'Dates', done: false }])
    app.store.dispatch(app.sync.actions.pullNow())
    await vi.waitFor(() => expect(app.titles()).toEqual(['Anchovies', 'Bread', 'Dates', 'Zest']))
  })
})

describe('local reducers and initialState', () => {
  it('change local fields and never make operations', async () => {
    const app = createApp()
    app.store.dispatch(app.todos.actions.filterChanged('done'))
    app.store.dispatch(fetchStarted())
    const state = app.store.getState().todos
    expect([state.filter, state.status]).toEqual(['done', 'loading'])
    expect(app.pending()).toBe(0)
    await app.synced()
    expect(app.writes()).toEqual([])
  })

  it('may not change records: a setup error names the actions to use', () => {
    const todos = createSyncedEntity({
      name: 'todos',
      initialState: todosAdapter.getInitialState(),
      reducers: {
        addedLocally(state, action: PayloadAction<Todo>) {
          state.entities[action.payload.id] = action.payload
          state.ids.push(action.payload.id)
        },
      },
    })
    const store = configureStore({ reducer: { todos: todos.reducer } })
    expect(() => store.dispatch(todos.actions.addedLocally({ id: 'a', title: 'x', done: false }))).toThrow(SyncSetupError)
    expect(() => store.dispatch(todos.actions.addedLocally({ id: 'a', title: 'x', done: false }))).toThrow(/todos\.actions\.added, updated, upserted or removed/)
    expect(store.getState().todos.ids).toEqual([])
  })

  it('may not hold a local field named pending, nor be something other than an entity state', () => {
    expect(() => createSyncedEntity({ name: 'todos', initialState: todosAdapter.getInitialState({ pending: false }) })).toThrow(
      /has a field `pending`.*rename it/,
    )
    expect(() => createSyncedEntity({ name: 'todos', initialState: { filter: 'all' } as never })).toThrow(/must be an entity state/)
  })

  it('may not take the name of a synced action', () => {
    expect(() =>
      createSyncedEntity({ name: 'todos', initialState: todosAdapter.getInitialState(), reducers: { added: (state) => state } }),
    ).toThrow(/reducers added of "todos" have names of its synced actions/)
  })

  it('takes records in initialState as the server\'s: none is sent, a change to one is an update', async () => {
    backend.seed('todos', [{ id: 'a', title: 'Apples', done: false }])
    const app = createApp([{ id: 'a', title: 'Apples', done: false, version: 1 }])
    expect(app.pending()).toBe(0)
    app.store.dispatch(app.todos.actions.updated({ id: 'a', changes: { done: true } }))
    await app.synced()
    expect(app.writes()).toEqual([['PATCH', '/todos/a', { done: true }]])
  })

  it('starts again from initialState, local fields too, when another user signs in', () => {
    const app = createApp([{ id: 'a', title: 'Apples', done: false, version: 1 }])
    app.store.dispatch(app.todos.actions.filterChanged('done'))
    app.store.dispatch(app.todos.actions.added({ id: 'b', title: 'Bread', done: false }))
    app.store.dispatch({ type: 'offline/userSwitched', payload: { userId: 'u2', hydrated: true } })
    expect(app.store.getState().todos).toMatchObject({ filter: 'all', status: 'idle', ids: ['a'] })
  })
})

describe('with persistence', () => {
  it('restores the records sorted and the local fields from initialState (they are not stored)', async () => {
    const items = new Map<string, string>()
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
      keys: () => [...items.keys()],
    }
    const page = () => {
      const todos = createSyncedEntity({
        name: 'todos',
        initialState: todosAdapter.getInitialState({ filter: 'all' as Filter }),
        sortComparer: (a, b) => a.title.localeCompare(b.title),
        reducers: { filterChanged: (state, action: PayloadAction<Filter>) => void (state.filter = action.payload) },
      })
      const sync = createOfflineSync({
        entities: [todos],
        adapter: createRestAdapter({ baseUrl }),
        network: createManualNetworkStatus(false),
        persist: createPersistence({ storage, tabs: false }),
      })
      const store = configureStore({ reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer }, middleware: (g) => g().concat(sync.middleware) })
      return { todos, sync, store, persistor: sync.persist(store) }
    }
    const first = page()
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.filterChanged('done'))
    for (const title of ['Cheese', 'Apples', 'Bread', 'Dates', 'Eggs', 'Figs']) first.store.dispatch(first.todos.actions.added({ id: title.toLowerCase(), title, done: false }))
    await first.persistor.flush()
    first.persistor.stop()

    const second = page()
    await second.persistor.ready
    expect(second.todos.selectors.selectAll(second.store.getState()).map((todo) => todo.title)).toEqual(['Apples', 'Bread', 'Cheese', 'Dates', 'Eggs', 'Figs'])
    expect(second.store.getState().todos.filter).toBe('all')
    expect(second.sync.selectors.selectStatus(second.store.getState()).pending).toBe(6)
  })
})
