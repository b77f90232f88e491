import { configureStore, createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit'
import { defaultMiddlewareOptions, type CheckMode } from '../lib/checks'
import { entityState, type BenchRecord } from '../lib/records'

/**
 * The floor: a plain RTK entity-adapter slice with no sync at all. `notes` holds the extra records the
 * other contestants have pending, so every store carries the same amount of data.
 */
export function createPlainRtkStore(options: { mode: CheckMode; todos: readonly BenchRecord[]; notes: readonly BenchRecord[] }) {
  const adapter = createEntityAdapter<BenchRecord>()
  const todos = createSlice({
    name: 'todos',
    initialState: adapter.getInitialState(),
    reducers: {
      updated: (state, action: PayloadAction<{ id: string; changes: Partial<BenchRecord> }>) => {
        adapter.updateOne(state, action.payload)
      },
    },
  })
  const notes = createSlice({
    name: 'notes',
    initialState: adapter.getInitialState(),
    reducers: {
      addedMany: (state, action: PayloadAction<BenchRecord[]>) => {
        adapter.addMany(state, action.payload)
      },
    },
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, notes: notes.reducer },
    preloadedState: { todos: entityState(options.todos), notes: adapter.getInitialState() },
    middleware: (getDefault) => getDefault(defaultMiddlewareOptions(options.mode)),
  })
  // Added through the reducer, as the synced contestants add theirs: frozen by immer the same way.
  if (options.notes.length > 0) store.dispatch(notes.actions.addedMany([...options.notes]))
  return {
    store,
    update: (id: string, changes: Partial<BenchRecord>) => store.dispatch(todos.actions.updated({ id, changes })),
    record: (id: string) => store.getState().todos.entities[id],
  }
}
