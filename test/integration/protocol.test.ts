import { configureStore } from '@reduxjs/toolkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, createSyncProtocolAdapter, pullNow } from '../../src'
import { createManualTimers } from '../support/manualTimers'
import { createProtocolBackend } from '../support/protocolBackend'
import { useMswServer } from '../support/mswServer'

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}

const baseUrl = 'http://127.0.0.1:4073/api'
const backend = createProtocolBackend({ baseUrl })
useMswServer(...backend.handlers)
afterEach(() => backend.reset())

/** The whole engine (createOfflineSync + createSyncedEntity) over the protocol adapter, offline at first. */
function setup({ batchSize, pull = false }: { batchSize: number; pull?: boolean }) {
  const clock = createManualTimers()
  const todos = createSyncedEntity<Todo>({ name: 'todos', pull: pull ? {} : false })
  const network = createManualNetworkStatus(false)
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createSyncProtocolAdapter({ baseUrl, batchSize, clientId: 'client-1', now: clock.now }),
    // The engine hands over as many operations at a time as one request carries.
    batchSize,
    network,
    timers: clock.timers,
    now: clock.now,
    random: () => 0.5,
    generateId: () => `op-${++n}`,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, offline: sync.reducer },
    middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware),
  })
  const status = () => sync.selectors.selectStatus(store.getState())
  const view = () => todos.selectors.selectAll(store.getState())
  return { store, todos, network, status, view }
}

const pushes = () => backend.requests.filter((request) => request.path === '/sync/push')

describe('the engine over the sync protocol adapter', () => {
  it.each([
    [250, 100],
    [100, 100],
    [7, 3],
  ])('drains %i operations made offline in ceil(N / %i) push requests, and the server ends with what the view shows', async (count, batchSize) => {
    const { store, todos, network, status, view } = setup({ batchSize })
    const records = Array.from({ length: count }, (_, i) => ({ id: `t${String(i).padStart(3, '0')}`, title: `Todo ${i}`, done: false }))
    store.dispatch(todos.actions.addedMany(records))
    expect(status()).toMatchObject({ pending: count })

    network.setOnline(true)
    await vi.waitFor(() => expect(status()).toMatchObject({ pending: 0, inflight: 0 }), { timeout: 5000, interval: 5 })

    expect(pushes()).toHaveLength(Math.ceil(count / batchSize))
    expect(pushes().flatMap(({ body }) => (body.operations as Array<{ id: string }>).map(({ id }) => id))).toEqual(records.map((_, i) => `op-${i + 1}`))
    expect(view()).toEqual(records.map((record) => ({ ...record, version: 1 })))
    expect(backend.records('todos')).toEqual(view())
  })

  it('settles updates, deletes and a conflict through batch results, and pulls another client\'s change', async () => {
    const { store, todos, network, status, view } = setup({ batchSize: 10, pull: true })
    network.setOnline(true)
    store.dispatch(todos.actions.addedMany([{ id: 'a', title: 'A', done: false }, { id: 'b', title: 'B', done: false }, { id: 'c', title: 'C', done: false }]))
    await vi.waitFor(() => expect(status()).toMatchObject({ pending: 0, inflight: 0 }), { timeout: 5000, interval: 5 })

    // Another client changes b; this one, not knowing, updates b and a and deletes c.
    backend.write('todos', { id: 'b', title: 'B (theirs)', done: false })
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    store.dispatch(todos.actions.updated({ id: 'b', changes: { done: true } }))
    store.dispatch(todos.actions.removed('c'))
    await vi.waitFor(() => expect(status()).toMatchObject({ pending: 0, inflight: 0 }), { timeout: 5000, interval: 5 })
    store.dispatch(pullNow('todos'))
    await vi.waitFor(() => expect(view().find((todo) => todo.id === 'b')?.title).toBe('B (theirs)'), { timeout: 5000, interval: 5 })

    // The default strategy (server wins) keeps their b; a and c went through.
    expect(view()).toEqual([
      { id: 'a', title: 'A', done: true, version: 2 },
      { id: 'b', title: 'B (theirs)', done: false, version: 2 },
    ])
    expect(backend.records('todos')).toEqual(view())
  })
})
