import { describe, expect, it, vi } from 'vitest'
import { createMockBackend } from '../../src/msw'
import { createFetchEffect, defaultDiscard, EffectHttpError, type EffectRunner } from '../../src/reduxOffline'
import { crashableStorage } from '../support/crashableStorage'
import { freshStorage } from '../support/persistedStore'
import { useMswServer } from '../support/mswServer'
import { addTodo, loadCompatPage } from './page'

const API = 'http://localhost/api'
const backend = createMockBackend({ baseUrl: API })
useMswServer(...backend.handlers)

/** An action whose effect creates a todo on the mock backend. */
const createTodo = (id: string, title: string) => ({
  type: 'ADD_TODO',
  payload: { id, title, synced: false },
  meta: { offline: { effect: { url: `${API}/todos`, method: 'POST', json: { id, title } }, commit: { type: 'ADD_TODO_COMMIT', meta: { id } } } },
})

describe('redux-offline actions across reloads and crashes', () => {
  it('an action queued offline survives a reload; its effect runs once, after it', async () => {
    const storage = freshStorage()
    const calls: string[] = []
    const effect: EffectRunner = async (_effect, action, { idempotencyKey }) => {
      calls.push(`${action.type} ${idempotencyKey}`)
      return null
    }
    const first = loadCompatPage({ storage, effect })
    await first.persistor!.ready
    first.store.dispatch(addTodo('a', 'Offline'))
    await first.sync.flush()
    first.sync.stop()

    const second = loadCompatPage({ storage, effect, online: true })
    await second.persistor!.ready
    await vi.waitFor(() => expect(second.status()).toMatchObject({ pending: 0, phase: 'idle' }))
    expect(calls).toEqual([`ADD_TODO ${first.opId(1)}`])
    expect(second.appActions().map((action) => action.type)).toEqual(['ADD_TODO_COMMIT'])
    await second.sync.flush()
    second.sync.stop()

    // Confirmed and stored: a third start runs nothing.
    const third = loadCompatPage({ storage, effect, online: true })
    await third.persistor!.ready
    await vi.waitFor(() => expect(third.status().phase).toBe('idle'))
    expect(calls).toHaveLength(1)
    expect(third.outbox()).toEqual([])
    third.sync.stop()
  })

  it('an effect whose answer was lost to a crash runs again under the same idempotency key, and a server that keeps keys applies it once', async () => {
    backend.reset()
    const disk = crashableStorage()
    const fetchEffect = createFetchEffect()
    // The page dies once the request has reached the server, before the answer is read.
    const dying: EffectRunner = async (effect, action, context) => {
      await fetchEffect(effect, action, context)
      disk.crash()
      return new Promise(() => {})
    }
    const first = loadCompatPage({ storage: disk.storage, effect: dying, online: true })
    await first.persistor!.ready
    first.store.dispatch(createTodo('a', 'Once'))
    await vi.waitFor(() => expect(backend.requests).toHaveLength(1))
    first.sync.stop()

    const second = loadCompatPage({ storage: disk.inner, effect: fetchEffect, online: true })
    await second.persistor!.ready
    await vi.waitFor(() => expect(second.status()).toMatchObject({ pending: 0, phase: 'idle' }))
    expect(backend.requests.map((request) => [request.method, request.path, request.idempotencyKey, request.replayed])).toEqual([
      ['POST', '/todos', first.opId(1), false],
      ['POST', '/todos', first.opId(1), true],
    ])
    expect(backend.snapshot().records.todos).toHaveLength(1)
    // The commit carries the server's answer (the replayed one).
    expect(second.appActions()).toEqual([
      { type: 'ADD_TODO_COMMIT', payload: expect.objectContaining({ id: 'a', title: 'Once' }), meta: { id: 'a', success: true, completed: true } },
    ])
    second.sync.stop()
  })

  it('holdUntil: nothing runs, so no commit reaches the reducers, before the app says its state is restored', async () => {
    const calls: string[] = []
    const effect: EffectRunner = async (_effect, action) => {
      calls.push(action.type)
      return null
    }
    const page = loadCompatPage({ effect, online: true, holdUntil: (action) => action.type === 'APP_RESTORED' })
    page.store.dispatch(addTodo('a', 'Early'))
    await vi.waitFor(() => expect(page.status().phase).toBe('paused'))
    expect(calls).toEqual([])
    page.store.dispatch({ type: 'APP_RESTORED' })
    await vi.waitFor(() => expect(page.status()).toMatchObject({ pending: 0, phase: 'idle' }))
    expect(calls).toEqual(['ADD_TODO'])
    expect(page.appActions().map((action) => action.type)).toEqual(['ADD_TODO', 'APP_RESTORED', 'ADD_TODO_COMMIT'])
    page.sync.stop()
  })
})

describe('createFetchEffect (the default effect)', () => {
  it("sends redux-offline's effect shape with the idempotency key, and resolves with the parsed body", async () => {
    backend.reset()
    const run = createFetchEffect()
    const body = await run({ url: `${API}/todos`, method: 'POST', json: { id: 'f', title: 'Fetched' } }, createTodo('f', 'Fetched'), {
      idempotencyKey: 'key-1',
      retries: 0,
      signal: new AbortController().signal,
    })
    expect(body).toMatchObject({ id: 'f', title: 'Fetched', version: 1 })
    expect(backend.requests.map((request) => [request.method, request.idempotencyKey, request.headers['content-type']])).toEqual([
      ['POST', 'key-1', 'application/json'],
    ])
  })

  it('rejects a refusal with its status and body, which the default discard gives up: the rollback carries that error', async () => {
    backend.reset()
    backend.failNext(1, 422, { body: { message: 'title too long' } })
    const page = loadCompatPage({ effect: createFetchEffect(), online: true })
    page.store.dispatch({ ...createTodo('r', 'Refused'), meta: { offline: { ...createTodo('r', 'Refused').meta.offline, rollback: { type: 'ADD_TODO_ROLLBACK', meta: { id: 'r' } } } } })
    await vi.waitFor(() => expect(page.status().failed).toBe(1))
    const rollback = page.appActions().find((action) => action.type === 'ADD_TODO_ROLLBACK')!
    expect(rollback.payload).toBeInstanceOf(EffectHttpError)
    expect(rollback.payload).toMatchObject({ status: 422, response: { message: 'title too long' } })
    page.sync.stop()
  })
})

describe('defaultDiscard', () => {
  it.each([
    [400, true],
    [404, true],
    [422, true],
    [408, false],
    [425, false],
    [429, false],
    [500, false],
    [503, false],
  ])('an error with status %i: given up %s', (status, given) => {
    expect(defaultDiscard(Object.assign(new Error('x'), { status }))).toBe(given)
  })

  it('an error without a status (a fetch that never got an answer) is tried again', () => {
    expect(defaultDiscard(new TypeError('Failed to fetch'))).toBe(false)
  })
})
