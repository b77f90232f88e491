import { configureStore } from '@reduxjs/toolkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity, type SyncAdapter } from '../../src'
import { createMockBackend } from '../../src/msw'
import { createManualTimers } from '../support/manualTimers'
import { useMswServer } from '../support/mswServer'

// Confirmation by pull end to end: the engine, the REST adapter's confirmByPull and the MSW mock backend,
// which keeps each write's answer under its Idempotency-Key.

interface Todo {
  id: string
  title: string
  version?: number
}

const baseUrl = 'http://127.0.0.1:4031/api'
const backend = createMockBackend({ baseUrl, now: () => 1_000 })
useMswServer(...backend.handlers)
afterEach(() => backend.reset())

function setup(confirmByPull: boolean) {
  const clock = createManualTimers()
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const errors: unknown[] = []
  let n = 0
  const adapter: SyncAdapter = createRestAdapter({ baseUrl, now: clock.now, confirmByPull })
  const sync = createOfflineSync({
    entities: [todos],
    adapter,
    network: createManualNetworkStatus(true),
    timers: clock.timers,
    now: clock.now,
    random: () => 0.5,
    pullIntervalMs: 0,
    generateId: () => `op-${++n}`,
    onError: (error) => errors.push(error),
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, offline: sync.reducer },
    middleware: (g) => g().concat(sync.middleware),
  })
  const status = () => sync.selectors.selectStatus(store.getState())
  const ops = () => sync.selectors.selectOps(store.getState())
  const writes = () => backend.requests.filter((request) => request.method !== 'GET')
  const pulls = () => backend.requests.filter((request) => request.method === 'GET')
  return { store, todos, sync, clock, status, ops, writes, pulls, errors, view: () => todos.selectors.selectAll(store.getState()) }
}

type T = ReturnType<typeof setup>

/** A create whose request the backend applied but whose answer never arrived. */
async function lostCreate(t: T) {
  await vi.waitFor(() => expect(t.pulls().length).toBe(1))
  backend.failNext(1, 'lost-response', { methods: ['POST'] })
  t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A' }))
  await vi.waitFor(() => expect(t.ops()).toMatchObject([{ id: 'op-1', status: 'pending', attempts: 1 }]))
  expect(backend.record('todos', 'a')).toMatchObject({ title: 'A', version: 1 })
}

describe('confirmation by pull over REST and the mock backend', () => {
  it('a lost answer is confirmed by the next pull: one write in all, none sent again', async () => {
    const t = setup(true)
    await lostCreate(t)
    t.store.dispatch(t.sync.actions.pullNow())
    await vi.waitFor(() => expect(t.ops()).toEqual([]))
    expect(t.pulls().map((request) => request.path)).toContain('/todos?since=0&limit=100&unanswered=op-1')
    // A create's stored answer: the pull then reads the whole feed again (see test/engine/replayedCreate.test.ts).
    await vi.waitFor(() => expect(t.pulls().at(-1)!.path).toBe('/todos?limit=100'))
    expect(t.view()).toEqual([{ id: 'a', title: 'A', version: 1, updatedAt: 1_000 }])
    // Past the retry time (the tests below show the write goes again by then): still the one write.
    t.clock.advance(5_000)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(t.writes().map((request) => [request.method, request.idempotencyKey])).toEqual([['POST', 'op-1']])
    expect(t.errors).toEqual([])
  })

  it('a stored answer older than the pulled record confirms the change without going back (invariant 3)', async () => {
    const t = setup(true)
    await lostCreate(t)
    // Someone else edits the record after our create: the pull brings v2, the stored answer says v1.
    backend.editRemote('todos', 'a', { title: 'Theirs' })
    t.store.dispatch(t.sync.actions.pullNow())
    await vi.waitFor(() => expect(t.ops()).toEqual([]))
    expect(t.view()).toEqual([{ id: 'a', title: 'Theirs', version: 2, updatedAt: 1_000 }])
    expect(t.writes()).toHaveLength(1)
  })

  it('a write the backend never received is left out of `answered` and sent again under its key', async () => {
    const t = setup(true)
    await vi.waitFor(() => expect(t.pulls().length).toBe(1))
    backend.failNext(1, 'network', { methods: ['POST'] })
    t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A' }))
    await vi.waitFor(() => expect(t.ops()).toMatchObject([{ status: 'pending', attempts: 1 }]))
    t.store.dispatch(t.sync.actions.pullNow())
    await vi.waitFor(() => expect(t.pulls().length).toBe(2))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(t.ops()).toHaveLength(1)
    t.clock.advance(5_000)
    await vi.waitFor(() => expect(t.ops()).toEqual([]))
    expect(t.writes().map((request) => request.idempotencyKey)).toEqual(['op-1', 'op-1'])
  })

  it('without confirmByPull the adapter asks about nothing, and the write goes again (replayed, not applied twice)', async () => {
    const t = setup(false)
    await lostCreate(t)
    t.store.dispatch(t.sync.actions.pullNow())
    await vi.waitFor(() => expect(t.pulls().length).toBe(2))
    expect(t.pulls().every((request) => !request.path.includes('unanswered'))).toBe(true)
    t.clock.advance(5_000)
    await vi.waitFor(() => expect(t.ops()).toEqual([]))
    expect(t.writes().map((request) => [request.idempotencyKey, request.replayed])).toEqual([
      ['op-1', false],
      ['op-1', true],
    ])
  })
})
