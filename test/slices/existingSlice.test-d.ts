import { configureStore, createAction, createEntityAdapter, type EntityId, type PayloadAction } from '@reduxjs/toolkit'
import { describe, expectTypeOf, it } from 'vitest'
import { createSyncedEntity, type SyncedEntityState } from 'rtk-offline'

interface Todo {
  id: string
  title: string
  done: boolean
}
type Filter = 'all' | 'active' | 'done'

const todosAdapter = createEntityAdapter<Todo>()
const fetchStarted = createAction('todos/fetchStarted')

const todos = createSyncedEntity({
  name: 'todos',
  initialState: todosAdapter.getInitialState({ filter: 'all' as Filter, status: 'idle' as 'idle' | 'loading' }),
  sortComparer: (a, b) => a.title.localeCompare(b.title),
  reducers: {
    filterChanged(state, action: PayloadAction<Filter>) {
      state.filter = action.payload
    },
    cleared: (state) => {
      state.filter = 'all'
    },
    titled: {
      reducer(state, action: PayloadAction<{ status: 'idle' | 'loading' }>) {
        state.status = action.payload.status
      },
      prepare: (loading: boolean) => ({ payload: { status: loading ? ('loading' as const) : ('idle' as const) } }),
    },
  },
  extraReducers: (builder) => {
    builder.addCase(fetchStarted, (state) => {
      state.status = 'loading'
    })
  },
})

describe('createSyncedEntity from an existing slice', () => {
  it('infers the record type from initialState', () => {
    todos.actions.added({ id: '1', title: 'x', done: false })
    // @ts-expect-error a record needs every field
    todos.actions.added({ id: '1' })
    todos.actions.upserted({ id: '1', title: 'x', done: true })
    todos.actions.upsertedMany([{ id: '1', title: 'x', done: true }])
    todos.actions.loadedFromServer([{ id: '1', title: 'x', done: true }])
    // @ts-expect-error loaded records are records
    todos.actions.loadedFromServer([{ id: 1 }])
    expectTypeOf(todos.selectors.selectAll).returns.toEqualTypeOf<Todo[]>()
  })

  it('types the local actions with their payloads and types, as createSlice does', () => {
    expectTypeOf(todos.actions.filterChanged('done')).toEqualTypeOf<{ payload: Filter; type: 'todos/filterChanged' }>()
    // @ts-expect-error the payload is a Filter
    todos.actions.filterChanged('everything')
    expectTypeOf(todos.actions.cleared().type).toEqualTypeOf<'todos/cleared'>()
    expectTypeOf(todos.actions.titled).parameters.toEqualTypeOf<[loading: boolean]>()
    // @ts-expect-error no such action
    void todos.actions.filterReset
  })

  it('types the state with its local fields', () => {
    const store = configureStore({ reducer: { todos: todos.reducer } })
    const state = store.getState().todos
    expectTypeOf(state.filter).toEqualTypeOf<Filter>()
    expectTypeOf(state.status).toEqualTypeOf<'idle' | 'loading'>()
    expectTypeOf(state.ids).toEqualTypeOf<EntityId[]>()
    expectTypeOf(state).toMatchTypeOf<SyncedEntityState<Todo>>()
  })

  it('has no local actions without local reducers', () => {
    const plain = createSyncedEntity({ name: 'todos', initialState: todosAdapter.getInitialState({ filter: 'all' as Filter }) })
    // @ts-expect-error no local reducers, no local actions
    void plain.actions.filterChanged
    expectTypeOf(plain.selectors.selectAll).returns.toEqualTypeOf<Todo[]>()
  })

  it('gives local reducers the whole state', () => {
    createSyncedEntity({
      name: 'todos',
      initialState: todosAdapter.getInitialState({ filter: 'all' as Filter }),
      reducers: {
        reset(state) {
          expectTypeOf(state.filter).toEqualTypeOf<Filter>()
        },
      },
    })
  })

  it('keeps the explicit record type form, where local reducers need initialState to be inferred', () => {
    const plain = createSyncedEntity<Todo>({ name: 'todos', sortComparer: (a, b) => a.title.localeCompare(b.title) })
    expectTypeOf(plain.reducer).returns.toEqualTypeOf<SyncedEntityState<Todo>>()
    // @ts-expect-error with <Todo> given, reducers cannot be typed: give initialState instead
    createSyncedEntity<Todo>({ name: 'todos', reducers: { x: (state) => state } })
    // @ts-expect-error sortComparer compares records
    createSyncedEntity<Todo>({ name: 'todos', sortComparer: (a: { rank: number }, b: { rank: number }) => a.rank - b.rank })
  })
})
