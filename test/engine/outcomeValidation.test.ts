import { configureStore, type UnknownAction } from '@reduxjs/toolkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, type SyncOutcome } from '../../src'
import type { Todo } from '../support/testStore'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

// Durability invariant 5 (nothing trusted): every adapter outcome is checked at the adapter boundary; a
// malformed one is an `adapter-failed` retry reported to onError, never a thrown reducer, a stuck
// in-flight operation, a lost change or junk in the view.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup(options: Parameters<typeof createTestStore>[1] = {}) {
  const scripted = createScriptedAdapter()
  const t = createTestStore(scripted.adapter, { now: () => Date.now(), pullIntervalMs: 0, ...options })
  return { ...t, scripted }
}

const malformed: Array<[string, unknown]> = [
  ['a reject without an error', { type: 'reject' }],
  ['a retry without an error', { type: 'retry' }],
  ['a retry whose retryAfterMs is not a number', { type: 'retry', error: { name: 'E', message: 'busy', code: 'http-error' }, retryAfterMs: 'abc' }],
  ['a retry whose retryAfterMs is negative', { type: 'retry', error: { name: 'E', message: 'busy', code: 'http-error' }, retryAfterMs: -5 }],
  ['an ok whose record has another id', { type: 'ok', record: { id: 'b', title: 'junk', done: false, version: 1 } }],
  ['an ok whose record is not an object', { type: 'ok', record: 'yes' }],
  ['a conflict without remote', { type: 'conflict' }],
  ['a conflict whose remote has another id', { type: 'conflict', remote: { id: 'b', title: 'junk', done: false, version: 9 } }],
  ['an auth whose error is not an error', { type: 'auth', error: 42 }],
  ['an outcome of an unknown type', { type: 'okay' }],
  ['null', null],
]

describe('a malformed adapter outcome', () => {
  it.each(malformed)('%s is an adapter-failed retry, reported, with the change kept and nothing stuck', async (_, outcome) => {
    const { store, todos, scripted, status, view, errors, sync } = setup()
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    expect(() => scripted.answer(() => outcome as SyncOutcome)).not.toThrow()
    await advance()
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, inflight: 0, lastError: { code: 'adapter-failed' } })
    expect(sync.selectors.selectOps(store.getState())[0]).toMatchObject({ status: 'pending', attempts: 1 })
    expect(view()).toEqual([{ id: 'a', title: 'A', done: false }])
    expect(errors).toEqual([{ error: expect.objectContaining({ code: 'adapter-failed' }), raisedBy: 'adapter' }])
    // Retried, and a good answer settles it.
    await vi.advanceTimersByTimeAsync(1000)
    expect(scripted.waitingCount()).toBe(1)
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, inflight: 0 })
    expect(view()).toEqual([{ id: 'a', title: 'A', done: false, version: 1 }])
  })

  it('a retry without an error on the last attempt fails the change visibly instead of throwing', async () => {
    const { store, todos, scripted, status, view } = setup({ retry: { maxAttempts: 1 } })
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    scripted.answer(() => ({ type: 'retry' }) as unknown as SyncOutcome)
    await advance()
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, inflight: 0, failed: 1, lastError: { code: 'max-attempts-exceeded' } })
    expect(view()).toEqual([])
  })

  it('an ok whose record id cannot be read (selectId throws) is an adapter-failed retry, nothing left in flight', async () => {
    const { store, todos, scripted, status, errors } = setup({
      // A strategy that throws is caught already; a selectId that throws on the server's record is not.
      conflict: 'server-wins',
    })
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    const record = {
      get id(): string {
        throw new Error('boom')
      },
    }
    scripted.answer(() => ({ type: 'ok', record }) as unknown as SyncOutcome)
    await advance()
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, inflight: 0, lastError: { code: 'adapter-failed' } })
    expect(errors.map((error) => error.raisedBy)).toEqual(['adapter'])
  })

  it('anything that throws between opsSent and opsSettled settles the batch as retries, reported, nothing left in flight', async () => {
    const scripted = createScriptedAdapter()
    const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })
    const errors: Array<{ error: unknown; raisedBy: string }> = []
    const sync = createOfflineSync({
      entities: [todos],
      adapter: scripted.adapter,
      network: createManualNetworkStatus(true),
      now: () => Date.now(),
      random: () => 0.5,
      onError: (error, { raisedBy }) => errors.push({ error, raisedBy }),
    })
    let throwOnce = true
    const store = configureStore({
      reducer: {
        todos: todos.reducer,
        [sync.reducerPath]: sync.reducer,
        // An app reducer that throws on the settlement, once.
        audit: (state: number = 0, action: UnknownAction) => {
          if (action.type === 'offline/opsSettled' && throwOnce) {
            throwOnce = false
            throw new Error('audit log full')
          }
          return state
        },
      },
      middleware: (getDefault) => getDefault().concat(sync.middleware),
    })
    const status = () => sync.selectors.selectStatus(store.getState())
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, inflight: 0, lastError: { code: 'adapter-failed' } })
    expect(errors).toEqual([{ error: expect.objectContaining({ message: 'audit log full' }), raisedBy: 'drain' }])
    await vi.advanceTimersByTimeAsync(1000)
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, inflight: 0 })
    sync.stop()
  })
})
