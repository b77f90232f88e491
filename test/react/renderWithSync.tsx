import { configureStore, createSlice, type PayloadAction, type Reducer } from '@reduxjs/toolkit'
import { act, render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { Provider } from 'react-redux'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, type OfflineSyncOptions, type OutboxState } from 'rtk-offline'
import { OfflineSyncProvider } from 'rtk-offline/react'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { type Todo } from '../support/testStore'
import { advance } from '../support/driver'

/** A slice sync knows nothing about, to check that changing it re-renders nothing. */
const notes = createSlice({
  name: 'notes',
  initialState: { text: '' },
  reducers: { typed: (state, action: PayloadAction<string>) => void (state.text = action.payload) },
})

export const todo = (id: string, title = id): Todo => ({ id, title, done: false })

/**
 * A real store (a `todos` synced entity, an unrelated `notes` slice and the sync slice) on a scripted
 * adapter and a manual network, and a `render` that wraps a tree in react-redux's Provider.
 */
export function createSyncStore<const TPath extends string = 'offline'>(
  options: Partial<Omit<OfflineSyncOptions<TPath>, 'entities' | 'adapter'>> & { online?: boolean } = {},
) {
  const { online = true, ...syncOptions } = options
  const scripted = createScriptedAdapter()
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const network = createManualNetworkStatus(online)
  let nextId = 0
  const sync = createOfflineSync<TPath>({
    entities: [todos],
    adapter: scripted.adapter,
    network,
    random: () => 0.5,
    generateId: () => `op-${++nextId}`,
    onError: () => {},
    ...syncOptions,
  })
  const store = configureStore({
    reducer: {
      todos: todos.reducer,
      notes: notes.reducer,
      // A computed key of a generic type widens to string; say what it is.
      ...({ [sync.reducerPath]: sync.reducer } as Record<TPath, Reducer<OutboxState>>),
    },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  return {
    store,
    todos,
    sync,
    network,
    scripted,
    typeNote: (text: string) => notes.actions.typed(text),
    /** Renders inside react-redux's Provider, and inside OfflineSyncProvider when `withProvider` is set. */
    render: (ui: ReactNode, { withProvider = false } = {}) =>
      render(<Provider store={store}>{withProvider ? <OfflineSyncProvider sync={sync}>{ui}</OfflineSyncProvider> : ui}</Provider>),
  }
}

/** Runs store work inside act and lets the drain's promises settle. */
export async function step(work: () => unknown = () => {}): Promise<void> {
  await act(async () => {
    work()
    await advance()
  })
}

/** Counts renders of a component: call `count()` in its body. */
export function renderCounter() {
  let renders = 0
  return {
    count: () => void renders++,
    get renders() {
      return renders
    },
  }
}
