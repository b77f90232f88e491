import { configureStore } from '@reduxjs/toolkit'
import { describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity, type OutgoingOperation } from 'rtk-offline'
import { baseUrl, useTestServer } from './support/testServer'

const t = useTestServer('clients')
/** The REST adapter's fetch, pointed at the server's handler (no port). */
const serverFetch = (input: string, init: RequestInit) => t.server.fetch(new Request(input, init))

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
  updatedAt?: number
}

const operation = (id: string, kind: OutgoingOperation['kind'], recordId: string, data: Record<string, unknown> | null, baseVersion: number | null = null): OutgoingOperation => ({
  id,
  entity: 'todos',
  recordId,
  kind,
  data,
  baseVersion,
  attempts: 0,
  enqueuedAt: 0,
  userId: null,
})

describe('createRestAdapter against the server', () => {
  const adapter = createRestAdapter({ baseUrl, fetch: serverFetch, headers: { Authorization: 'Bearer alice' } })
  const signal = new AbortController().signal

  it('maps every answer to the outcome the engine expects', async () => {
    const created = await adapter.push([operation('o1', 'create', 'a', { id: 'a', title: 'x', done: false })], { signal })
    expect(created).toEqual([{ type: 'ok', record: expect.objectContaining({ id: 'a', version: 1 }) }])
    const outcomes = await adapter.push(
      [
        operation('o2', 'update', 'a', { title: 'stale' }, 7),
        operation('o3', 'update', 'gone', { title: 'x' }, 1),
        operation('o4', 'delete', 'gone', null, 1),
        operation('o5', 'create', 'a', { id: 'a', title: 'twice', done: false }),
        operation('o1', 'create', 'b', { id: 'b', title: 'reused key', done: false }),
      ],
      { signal },
    )
    expect(outcomes).toEqual([
      { type: 'conflict', remote: expect.objectContaining({ id: 'a', title: 'x', version: 1 }) },
      { type: 'conflict', remote: null },
      { type: 'ok' },
      { type: 'conflict', remote: expect.objectContaining({ id: 'a', version: 1 }) },
      { type: 'reject', error: expect.objectContaining({ status: 422, message: expect.stringContaining('idempotency key "o1"') }) },
    ])
    // The same operation sent again (its answer lost) is confirmed with the stored answer.
    expect(await adapter.push([operation('o1', 'create', 'a', { id: 'a', title: 'x', done: false })], { signal })).toEqual(created)
  })

  it('pulls pages the engine reads, and answers auth for a missing token', async () => {
    await adapter.push([operation('o1', 'create', 'a', { id: 'a', title: 'x', done: false })], { signal })
    const page = await adapter.pull!({ entity: 'todos', cursor: null, limit: 10, params: {}, signal })
    expect(page).toEqual({ changes: [{ id: 'a', record: expect.objectContaining({ title: 'x' }) }], cursor: '1', hasMore: false })
    const anonymous = createRestAdapter({ baseUrl, fetch: serverFetch })
    expect(await anonymous.push([operation('o9', 'create', 'z', { id: 'z' })], { signal })).toEqual([{ type: 'auth', error: expect.objectContaining({ status: 401 }) }])
  })
})

let devices = 0
/** One device of `user`: a store with a `todos` entity syncing through the server with the REST adapter. */
function device(user: string) {
  const name = `d${++devices}`
  const todos = createSyncedEntity<Todo>({ name: 'todos' })
  const network = createManualNetworkStatus(true)
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createRestAdapter({ baseUrl, fetch: serverFetch, headers: { Authorization: `Bearer ${user}` } }),
    network,
    generateId: () => `${name}-op${++n}`,
    random: () => 0,
    pullIntervalMs: 0,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  return {
    store,
    todos,
    sync,
    network,
    view: () => todos.selectors.selectAll(store.getState()),
    pending: () => sync.selectors.selectStatus(store.getState()).pending,
    pullNow: () => store.dispatch(sync.actions.pullNow('todos')),
  }
}

describe('the engine syncing two devices through the server', () => {
  it('brings each change of one device to the other, deletions included, and converges', async () => {
    const one = device('alice@home')
    const two = device('bob@home')
    const stranger = device('eve')
    try {
      one.store.dispatch(one.todos.actions.added({ id: 't1', title: 'milk', done: false }))
      one.store.dispatch(one.todos.actions.added({ id: 't2', title: 'bread', done: false }))
      await vi.waitFor(() => expect(one.pending()).toBe(0))
      two.pullNow()
      await vi.waitFor(() => expect(two.view().map((todo) => todo.title)).toEqual(['milk', 'bread']))

      two.store.dispatch(two.todos.actions.updated({ id: 't1', changes: { done: true } }))
      two.store.dispatch(two.todos.actions.removed('t2'))
      await vi.waitFor(() => expect(two.pending()).toBe(0))
      one.pullNow()
      await vi.waitFor(() => expect(one.view()).toEqual([expect.objectContaining({ id: 't1', title: 'milk', done: true, version: 2 })]))
      expect(two.view()).toEqual(one.view())

      // Offline edits on both, then both come back: the later write conflicts and the server's copy wins by default.
      one.network.setOnline(false)
      two.network.setOnline(false)
      one.store.dispatch(one.todos.actions.updated({ id: 't1', changes: { title: 'oat milk' } }))
      two.store.dispatch(two.todos.actions.updated({ id: 't1', changes: { title: 'soy milk' } }))
      one.network.setOnline(true)
      await vi.waitFor(() => expect(one.pending()).toBe(0))
      two.network.setOnline(true)
      await vi.waitFor(() => expect(two.pending()).toBe(0))
      one.pullNow()
      two.pullNow()
      await vi.waitFor(() => expect(two.view()).toEqual(one.view()))
      expect(one.view()[0]).toMatchObject({ id: 't1', version: 3 })

      // Another scope sees none of it.
      stranger.pullNow()
      await vi.waitFor(() => expect(stranger.sync.selectors.selectPullProgress(stranger.store.getState()).active).toBe(false))
      expect(stranger.view()).toEqual([])
    } finally {
      for (const client of [one, two, stranger]) client.sync.stop()
    }
  })
})
