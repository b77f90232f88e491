import { configureStore } from '@reduxjs/toolkit'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
  updatedAt?: number
}

const baseUrl = 'http://localhost/api'
const backend = createMockBackend({ baseUrl, now: () => 1_700_000_000_000 })
const server = setupServer(...backend.handlers)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => backend.reset())
afterAll(() => server.close())

/** The app under test: a synced entity, the sync engine on the REST adapter, a store. Offline at first. */
function createApp() {
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const network = createManualNetworkStatus(false)
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createRestAdapter({ baseUrl }),
    network,
    retry: { baseDelayMs: 0 }, // retry at once: the test does not wait for backoff
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const pending = () => sync.selectors.selectStatus(store.getState()).pending
  const view = () => todos.selectors.selectAll(store.getState())
  return { store, todos, sync, network, pending, view }
}

it('delivers changes made offline exactly once, even when the response is lost', async () => {
  const { store, todos, sync, network, pending, view } = createApp()
  store.dispatch(todos.actions.added({ id: 'a', title: 'Buy milk', done: false }))
  store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
  expect(pending()).toBe(1) // the update was merged into the unsent create

  // The backend applies the create, but the connection drops before the answer arrives.
  backend.failNext(1, 'lost-response', { methods: ['POST'] })
  network.setOnline(true)
  await vi.waitFor(() => expect(pending()).toBe(0))

  // The retry carried the same Idempotency-Key, so the backend answered it without a second create.
  // The writes (the app also pulls remote changes with GET requests).
  const writes = backend.requests.filter((request) => request.method !== 'GET')
  expect(writes.map(({ method, path, status, replayed }) => [method, path, status, replayed])).toEqual([
    ['POST', '/todos', 'network', false],
    ['POST', '/todos', 201, true],
  ])
  const saved = { id: 'a', title: 'Buy milk', done: true, version: 1, updatedAt: 1_700_000_000_000 }
  expect(backend.records('todos')).toEqual([saved])
  expect(view()).toEqual([saved])
  sync.stop()
})

it('takes the server’s record when someone else changed it first', async () => {
  const { store, todos, sync, network, pending, view } = createApp()
  network.setOnline(true)
  store.dispatch(todos.actions.added({ id: 'a', title: 'Buy milk', done: false }))
  await vi.waitFor(() => expect(pending()).toBe(0))

  // Offline, the app changes the record while someone else changes it on the server.
  network.setOnline(false)
  store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
  backend.editRemote('todos', 'a', { title: 'Buy oat milk' })
  network.setOnline(true)
  await vi.waitFor(() => expect(pending()).toBe(0))

  // The PATCH carried If-Match "1"; the backend held version 2 and answered 412 with its record.
  expect(backend.requests.filter((request) => request.method !== 'GET').at(-1)).toMatchObject({
    method: 'PATCH',
    path: '/todos/a',
    ifMatch: '"1"',
    status: 412,
  })
  expect(view()).toEqual([backend.record('todos', 'a')])
  expect(sync.selectors.selectConflicts(store.getState())).toEqual([
    expect.objectContaining({
      recordId: 'a',
      local: expect.objectContaining({ done: true }),
      remote: expect.objectContaining({ title: 'Buy oat milk', version: 2 }),
      resolution: 'server-wins',
    }),
  ])
  sync.stop()
})
