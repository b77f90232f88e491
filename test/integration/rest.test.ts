import { configureStore } from '@reduxjs/toolkit'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity, type OfflineSyncOptions } from '../../src'
import { createManualTimers } from '../support/manualTimers'
import { createRestBackend } from '../support/restBackend'
import { useMswServer } from '../support/mswServer'

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}

const baseUrl = 'http://127.0.0.1:4010/api'
const backend = createRestBackend({ baseUrl })
const server = useMswServer(...backend.handlers)

afterEach(() => {
  backend.reset()
})

function setup(options: Partial<Omit<OfflineSyncOptions, 'entities' | 'adapter' | 'network' | 'timers' | 'now'>> = {}, online = false) {
  const clock = createManualTimers()
  const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })
  const network = createManualNetworkStatus(online)
  const errors: unknown[] = []
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createRestAdapter({ baseUrl, now: clock.now }),
    network,
    timers: clock.timers,
    now: clock.now,
    random: () => 0.5,
    generateId: () => `op-${++n}`,
    onError: (error) => errors.push(error),
    ...options,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, offline: sync.reducer },
    middleware: (g) => g().concat(sync.middleware),
  })
  const status = () => sync.selectors.selectStatus(store.getState())
  const view = () => todos.selectors.selectAll(store.getState())
  /** Waits until the outbox has nothing in flight (the backend answered). */
  const idle = () => vi.waitFor(() => expect(status().inflight).toBe(0), { timeout: 2000, interval: 5 })
  return { store, todos, sync, network, clock, status, view, idle, errors }
}

const todo = (id: string, title = `Todo ${id}`): Todo => ({ id, title, done: false })

describe('offline, then online, over REST', () => {
  it('sends each change once, coalesced, and the backend ends with what the view shows', async () => {
    const { store, todos, network, status, view, idle } = setup()
    store.dispatch(todos.actions.addedMany([todo('1'), todo('2'), todo('3')]))
    store.dispatch(todos.actions.updated({ id: '1', changes: { done: true } }))
    store.dispatch(todos.actions.updated({ id: '2', changes: { title: 'Renamed' } }))
    store.dispatch(todos.actions.removed('3'))
    expect(status()).toMatchObject({ phase: 'offline', pending: 2 })
    network.setOnline(true)
    await vi.waitFor(() => expect(status().pending).toBe(0))
    await idle()
    expect(backend.requests.map(({ method, path, idempotencyKey, body }) => ({ method, path, idempotencyKey, body }))).toEqual([
      { method: 'POST', path: '/todos', idempotencyKey: 'op-1', body: { id: '1', title: 'Todo 1', done: true } },
      { method: 'POST', path: '/todos', idempotencyKey: 'op-2', body: { id: '2', title: 'Renamed', done: false } },
    ])
    expect(backend.records('todos')).toEqual(view())
    expect(view()).toEqual([
      { id: '1', title: 'Todo 1', done: true, version: 1 },
      { id: '2', title: 'Renamed', done: false, version: 1 },
    ])
  })

  it('sends updates as PATCH with only the changed fields and If-Match, and deletes as DELETE', async () => {
    backend.seed('todos', [{ id: '9', title: 'Seeded', done: false, version: 3 }])
    const { store, todos, network, status, idle } = setup()
    // The record arrives as confirmed state (a pull in a later release); here it is created and confirmed first.
    network.setOnline(true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(status().pending).toBe(0))
    network.setOnline(false)
    store.dispatch(todos.actions.updated({ id: '1', changes: { title: 'Edited' } }))
    store.dispatch(todos.actions.added(todo('2')))
    store.dispatch(todos.actions.removed('2'))
    network.setOnline(true)
    await vi.waitFor(() => expect(status().pending).toBe(0))
    await idle()
    store.dispatch(todos.actions.removed('1'))
    await vi.waitFor(() => expect(status().pending).toBe(0))
    expect(backend.requests.slice(1).map(({ method, path, ifMatch, body }) => ({ method, path, ifMatch, body }))).toEqual([
      { method: 'PATCH', path: '/todos/1', ifMatch: '"1"', body: { title: 'Edited' } },
      { method: 'DELETE', path: '/todos/1', ifMatch: '"2"', body: undefined },
    ])
    expect(backend.records('todos').map((record) => record.id)).toEqual(['9'])
  })
})

describe('failures over REST', () => {
  it('rolls back a 422 and lists it with the server message', async () => {
    server.use(http.post(`${baseUrl}/todos`, () => HttpResponse.json({ message: 'title is too long' }, { status: 422 })))
    const { store, todos, sync, view } = setup({}, true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(sync.selectors.selectFailed(store.getState())).toHaveLength(1))
    expect(view()).toEqual([])
    expect(sync.selectors.selectFailed(store.getState())[0]!.lastError).toEqual({
      name: 'SyncHttpError',
      code: 'http-error',
      status: 422,
      message: 'POST /todos failed with 422: title is too long',
    })
  })

  it('waits for Retry-After after a 429, then delivers', async () => {
    backend.failNext(1, 429, { retryAfter: '3' })
    const { store, todos, status, clock, view } = setup({}, true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    expect(status().nextAttemptAt).toBe(clock.now() + 3000)
    clock.advance(2999)
    expect(backend.requests).toHaveLength(1)
    clock.advance(1)
    await vi.waitFor(() => expect(status().phase).toBe('idle'))
    expect(backend.requests.map((request) => request.status)).toEqual([429, 201])
    expect(view()).toEqual([{ ...todo('1'), version: 1 }])
  })

  it('retries a 500, a dropped connection and a lost response without applying anything twice', async () => {
    backend.failNext(1, 500)
    const { store, todos, status, clock } = setup({}, true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    backend.failNext(1, 'network')
    clock.advance(500)
    await vi.waitFor(() => expect(backend.requests).toHaveLength(2))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    backend.dropResponseAfterCommitNext(1)
    clock.advance(1000)
    await vi.waitFor(() => expect(backend.requests).toHaveLength(3))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    clock.advance(2000)
    await vi.waitFor(() => expect(status().phase).toBe('idle'))
    expect(backend.requests.map((request) => [request.idempotencyKey, request.status])).toEqual([
      ['op-1', 500],
      ['op-1', 'network'],
      ['op-1', 'network'],
      ['op-1', 201],
    ])
    expect(backend.records('todos')).toEqual([{ ...todo('1'), version: 1 }])
  })

  it('opens the circuit after repeated 503s, probes after the cool-down and closes', async () => {
    // Three batches of two operations fail: six requests.
    backend.failNext(6, 503)
    const { store, todos, status, clock } = setup({ circuitBreaker: { failureThreshold: 3, cooldownMs: 30_000 }, retry: { baseDelayMs: 10 } }, true)
    store.dispatch(todos.actions.addedMany([todo('1'), todo('2')]))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    clock.advance(5)
    await vi.waitFor(() => expect(backend.requests).toHaveLength(4))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    clock.advance(10)
    await vi.waitFor(() => expect(status().phase).toBe('circuit-open'))
    expect(backend.requests).toHaveLength(6)
    expect(status().nextAttemptAt).toBe(clock.now() + 30_000)
    clock.advance(29_999)
    expect(backend.requests).toHaveLength(6)
    clock.advance(1)
    await vi.waitFor(() => expect(status().phase).toBe('idle'))
    // One probe, then the rest.
    expect(backend.requests.slice(6).map((request) => [request.body, request.status])).toEqual([
      [todo('1'), 201],
      [todo('2'), 201],
    ])
  })

  it('pauses on 401, asks for credentials, and resends with the new token', async () => {
    let token = 'old'
    const seen: string[] = []
    server.use(
      http.post(`${baseUrl}/todos`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '')
        return request.headers.get('authorization') === 'Bearer new' ? undefined : HttpResponse.json({ message: 'expired' }, { status: 401 })
      }),
    )
    const clock = createManualTimers()
    const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })
    const onAuthError = vi.fn(async () => {
      token = 'new'
      return true
    })
    const sync = createOfflineSync({
      entities: [todos],
      adapter: createRestAdapter({ baseUrl, headers: () => ({ Authorization: `Bearer ${token}` }) }),
      network: createManualNetworkStatus(true),
      timers: clock.timers,
      now: clock.now,
      onAuthError,
    })
    const store = configureStore({ reducer: { todos: todos.reducer, offline: sync.reducer }, middleware: (g) => g().concat(sync.middleware) })
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(sync.selectors.selectStatus(store.getState()).pending).toBe(0))
    expect(onAuthError).toHaveBeenCalledTimes(1)
    expect(seen).toEqual(['Bearer old', 'Bearer new'])
    expect(backend.requests.map((request) => [request.idempotencyKey === null, request.status])).toEqual([[false, 201]])
  })

  it('times out a request that hangs and retries it', async () => {
    let hang = true
    server.use(
      http.post(`${baseUrl}/todos`, () =>
        hang ? new Promise<never>(() => {}) : undefined,
      ),
    )
    const { store, todos, status, clock } = setup({ requestTimeoutMs: 10_000 }, true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(status().inflight).toBe(1))
    hang = false
    clock.advance(10_000)
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    expect(status().lastError).toMatchObject({ code: 'timeout' })
    clock.advance(500)
    await vi.waitFor(() => expect(status().phase).toBe('idle'))
    expect(backend.records('todos')).toHaveLength(1)
  })

  it('retries a success whose body is HTML (a captive portal), keeping the change and saying why', async () => {
    server.use(http.post(`${baseUrl}/todos`, () => new HttpResponse('<html>ok</html>', { status: 200, headers: { 'Content-Type': 'text/html' } })))
    const { store, todos, status, view } = setup({}, true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(status().phase).toBe('backoff'))
    expect(status()).toMatchObject({ pending: 1, failed: 0, lastError: { code: 'invalid-response', status: 200 } })
    expect(view()).toEqual([todo('1')])
  })

  it('takes the server record on a 412 and replays the later change on it', async () => {
    const { store, todos, network, status, view } = setup({}, true)
    store.dispatch(todos.actions.added(todo('1')))
    await vi.waitFor(() => expect(status().pending).toBe(0))
    backend.editRemote('todos', '1', { title: 'Changed elsewhere' })
    network.setOnline(false)
    store.dispatch(todos.actions.updated({ id: '1', changes: { done: true } }))
    network.setOnline(true)
    await vi.waitFor(() => expect(status().pending).toBe(0))
    expect(view()).toEqual([{ id: '1', title: 'Changed elsewhere', done: false, version: 2 }])
  })
})
