// @vitest-environment jsdom
import { configureStore } from '@reduxjs/toolkit'
import { cleanup, render, screen } from '@testing-library/react'
import { Component, type ReactNode } from 'react'
import { Provider } from 'react-redux'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity } from 'rtk-offline'
import { OfflineSyncProvider, usePendingCount, useSyncStatus } from 'rtk-offline/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import type { Todo } from '../support/testStore'
import { createSyncStore, step, todo } from './renderWithSync'

const stops: Array<() => void> = []
afterEach(() => {
  cleanup()
  for (const stop of stops.splice(0)) stop()
})

function Pending() {
  return <p>{`${usePendingCount()} pending, ${useSyncStatus().phase}`}</p>
}

class Catch extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children
  }
}

/**
 * A store with the slices of two sync instances. (Only the first one's middleware: today the core's enqueue
 * middleware refuses entities of another instance, so two instances cannot both send from one store.)
 */
function twoInstances() {
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const notes = createSyncedEntity<Todo>({ name: 'notes' })
  const network = createManualNetworkStatus(false)
  const first = createOfflineSync({ entities: [todos], adapter: createScriptedAdapter().adapter, network, reducerPath: 'todoSync' })
  const second = createOfflineSync({ entities: [notes], adapter: createScriptedAdapter().adapter, network, reducerPath: 'noteSync' })
  stops.push(first.stop, second.stop)
  const store = configureStore({
    reducer: { todos: todos.reducer, notes: notes.reducer, todoSync: first.reducer, noteSync: second.reducer },
    middleware: (getDefault) => getDefault().concat(first.middleware),
  })
  store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
  return { store, first, second }
}

describe('finding the sync instance', () => {
  it('needs no set-up when the sync slice is mounted under its default path', async () => {
    const { store, todos, sync, render } = createSyncStore({ online: false })
    stops.push(sync.stop)
    render(<Pending />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByText('1 pending, offline')).toBeTruthy()
  })

  it('finds a sync slice mounted under another path when it is the only one', async () => {
    const { store, todos, sync, render } = createSyncStore({ online: false, reducerPath: 'sync' })
    stops.push(sync.stop)
    render(<Pending />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByText('1 pending, offline')).toBeTruthy()
  })

  it('reads the instance an OfflineSyncProvider names when a store holds several', () => {
    const { store, first, second } = twoInstances()
    render(
      <Provider store={store}>
        <OfflineSyncProvider sync={first}>
          <Pending />
        </OfflineSyncProvider>
        <OfflineSyncProvider sync={second}>
          <Pending />
        </OfflineSyncProvider>
      </Provider>,
    )
    expect(screen.getAllByText(/pending/).map((p) => p.textContent)).toEqual(['2 pending, offline', '0 pending, offline'])
  })

  it('says to add an OfflineSyncProvider when a store holds several and none is named', () => {
    const { store } = twoInstances()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <Provider store={store}>
        <Catch>
          <Pending />
        </Catch>
      </Provider>,
    )
    expect(screen.getByRole('alert').textContent).toBe(
      'rtk-offline: the store holds 2 sync slices (todoSync, noteSync): wrap the components in ' +
        '<OfflineSyncProvider sync={sync}> to say which one they show.',
    )
    vi.restoreAllMocks()
  })

  it('says how to mount the sync slice when the store has none', () => {
    const store = configureStore({ reducer: { other: (state: number = 0) => state } })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    render(
      <Provider store={store}>
        <Catch>
          <Pending />
        </Catch>
      </Provider>,
    )
    expect(screen.getByRole('alert').textContent).toContain("no sync slice in the store's state")
    vi.restoreAllMocks()
  })
})
