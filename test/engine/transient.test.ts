import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createScriptedAdapter, ok, retry } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

const todo = (id: string) => ({ id, title: id, done: false })
const T0 = 1_000_000

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup(options: Parameters<typeof createTestStore>[1] = {}) {
  const scripted = createScriptedAdapter()
  const t = createTestStore(scripted.adapter, { now: () => Date.now(), ...options })
  return { ...t, scripted }
}

describe('a transient failure', () => {
  it('schedules a retry with full-jitter exponential backoff and never drops the operation', async () => {
    // random() = 0.5 in the test store: waits are half of 1000, 2000, 4000 ms.
    const { store, todos, scripted, status, sync } = setup()
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, nextAttemptAt: T0 + 500, lastError: { status: 503 } })
    await vi.advanceTimersByTimeAsync(499)
    expect(scripted.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(scripted.calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1000)
    expect(scripted.calls).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(2000)
    expect(scripted.calls).toHaveLength(4)
    expect(sync.selectors.selectOps(store.getState())[0]).toMatchObject({ attempts: 4, status: 'pending' })
    // Every attempt carries the same idempotency key.
    expect(new Set(scripted.sent().flat())).toEqual(new Set(['op-1']))
    scripted.autoRespond(() => ok())
    await vi.advanceTimersByTimeAsync(4000)
    expect(status()).toMatchObject({ phase: 'idle', pending: 0, lastError: null })
  })

  it('holds back later operations of the record while the failed one waits for its retry', async () => {
    const { store, todos, scripted } = setup()
    scripted.autoRespond(() => retry(5000))
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    scripted.autoRespond(() => ok())
    store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } }))
    store.dispatch(todos.actions.added(todo('b')))
    await advance()
    expect(scripted.calls.map((call) => call.operations.map((op) => [op.recordId, op.kind]))).toEqual([
      [['a', 'create']],
      [['b', 'create']],
    ])
    await vi.advanceTimersByTimeAsync(5000)
    expect(scripted.calls.slice(2).map((call) => call.operations.map((op) => [op.recordId, op.kind]))).toEqual([
      [['a', 'create']],
      [['a', 'update']],
    ])
  })

  it('stays the last error in the status while its operation waits, even when others in the batch succeeded', async () => {
    const { store, todos, scripted, status } = setup()
    scripted.autoRespond((op) => (op.recordId === 'a' ? retry() : ok()))
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, lastError: { status: 503 } })
  })

  it('honours Retry-After over the backoff', async () => {
    const { store, todos, scripted, status } = setup()
    scripted.autoRespond(() => retry(7000))
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(status().nextAttemptAt).toBe(T0 + 7000)
    await vi.advanceTimersByTimeAsync(6999)
    expect(scripted.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(scripted.calls).toHaveLength(2)
  })

  it('is retried at once when the device comes back online, not after the wait', async () => {
    const { store, todos, scripted, network } = setup()
    scripted.autoRespond(() => retry(60_000))
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    network.setOnline(false)
    network.setOnline(true)
    await advance()
    expect(scripted.calls).toHaveLength(2)
  })

  it('is retried at once on syncNow', async () => {
    const { store, todos, scripted, sync } = setup()
    scripted.autoRespond(() => retry(60_000))
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    store.dispatch(sync.actions.syncNow())
    await advance()
    expect(scripted.calls).toHaveLength(2)
  })

  it('moves to failed after maxAttempts, rolled back, listed and retryable', async () => {
    const { store, todos, scripted, sync, view } = setup({ retry: { maxAttempts: 2, baseDelayMs: 100 } })
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    await vi.advanceTimersByTimeAsync(100)
    expect(scripted.calls).toHaveLength(2)
    expect(view()).toEqual([])
    expect(sync.selectors.selectFailed(store.getState())[0]).toMatchObject({
      recordId: 'a',
      status: 'failed',
      attempts: 2,
      lastError: { code: 'max-attempts-exceeded' },
    })
    expect(sync.selectors.selectFailed(store.getState())[0]!.lastError!.message).toMatch(/Gave up after 2 attempts; the last one failed with: HTTP 503/)
    scripted.autoRespond(() => ok())
    store.dispatch(sync.actions.retryFailed())
    await advance()
    expect(view()).toEqual([todo('a')])
    expect(sync.selectors.selectStatus(store.getState())).toMatchObject({ pending: 0, failed: 0 })
  })

  it('treats a push that throws as transient and reports the error', async () => {
    const { store, todos, scripted, status, errors } = setup()
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    scripted.fail(new Error('socket hang up'))
    await advance()
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, lastError: { code: 'adapter-failed' } })
    expect(errors).toEqual([{ error: new Error('socket hang up'), raisedBy: 'adapter' }])
  })

  it('treats an adapter that answers with the wrong number of outcomes as transient and reports it', async () => {
    const { store, todos, status, errors } = createTestStore({ push: async () => [] }, { now: () => Date.now() })
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(status()).toMatchObject({ pending: 1, lastError: { code: 'adapter-failed' } })
    expect(errors[0]!.raisedBy).toBe('adapter')
  })
})

describe('a request timeout', () => {
  it('aborts the push and retries it', async () => {
    const { store, todos, scripted, status } = setup({ requestTimeoutMs: 5000 })
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    const signal = scripted.calls[0]!.signal
    await vi.advanceTimersByTimeAsync(4999)
    expect(signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(signal.aborted).toBe(true)
    expect(status()).toMatchObject({ phase: 'backoff', pending: 1, inflight: 0, lastError: { code: 'timeout' } })
  })
})

describe('the circuit breaker', () => {
  it('opens after the threshold of failed batches, waits the cool-down, lets one probe through and closes on success', async () => {
    const { store, todos, scripted, status } = setup({
      circuitBreaker: { failureThreshold: 3, cooldownMs: 10_000 },
      retry: { baseDelayMs: 0 },
      batchSize: 5,
    })
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    expect(scripted.calls).toHaveLength(3)
    expect(status()).toMatchObject({ phase: 'circuit-open', nextAttemptAt: T0 + 10_000 })
    await vi.advanceTimersByTimeAsync(9999)
    expect(scripted.calls).toHaveLength(3)
    scripted.autoRespond(() => ok())
    await vi.advanceTimersByTimeAsync(1)
    // The probe carries a single operation; once it succeeds the rest follow.
    expect(scripted.calls.slice(3).map((call) => call.operations.map((op) => op.recordId))).toEqual([['a'], ['b']])
    expect(status()).toMatchObject({ phase: 'idle', pending: 0 })
  })

  it('reopens for another cool-down when the probe fails', async () => {
    const { store, todos, scripted, status } = setup({
      circuitBreaker: { failureThreshold: 1, cooldownMs: 10_000 },
      retry: { baseDelayMs: 0 },
    })
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(scripted.calls).toHaveLength(2)
    expect(status()).toMatchObject({ phase: 'circuit-open', nextAttemptAt: T0 + 20_000 })
  })

  it('lets a probe through at once on syncNow', async () => {
    const { store, todos, scripted, sync } = setup({ circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 } })
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    scripted.autoRespond(() => ok())
    store.dispatch(sync.actions.syncNow())
    await advance()
    expect(scripted.calls).toHaveLength(2)
    expect(sync.selectors.selectStatus(store.getState()).phase).toBe('idle')
  })
})

describe('credentials', () => {
  it('pause sending, ask onAuthError, and resume with the same operation when it resolves true', async () => {
    let refresh: (ok: boolean) => void = () => {}
    const onAuthError = vi.fn(() => new Promise<boolean>((resolve) => (refresh = resolve)))
    const { store, todos, scripted, status } = setup({ onAuthError })
    scripted.autoRespond(() => ({ type: 'auth', error: { name: 'SyncHttpError', message: 'expired', code: 'http-error', status: 401 } }))
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    expect(status()).toMatchObject({ phase: 'auth-required', pending: 2, inflight: 0 })
    expect(onAuthError).toHaveBeenCalledWith({ name: 'SyncHttpError', message: 'expired', code: 'http-error', status: 401 })
    scripted.autoRespond(() => ok())
    refresh(true)
    await advance()
    expect(scripted.sent()).toEqual([
      ['op-1', 'op-2'],
      ['op-1', 'op-2'],
    ])
    expect(status()).toMatchObject({ phase: 'idle', pending: 0 })
  })

  it('stay awaited until resume() when there is no onAuthError or it says no', async () => {
    const { store, todos, scripted, status, sync } = setup({ onAuthError: async () => false })
    scripted.autoRespond(() => ({ type: 'auth' }))
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(status().phase).toBe('auth-required')
    await vi.advanceTimersByTimeAsync(120_000)
    expect(scripted.calls).toHaveLength(1)
    scripted.autoRespond(() => ok())
    store.dispatch(sync.actions.resume())
    await advance()
    expect(status()).toMatchObject({ phase: 'idle', pending: 0 })
  })

  it('report an onAuthError that throws and keep waiting', async () => {
    const { store, todos, scripted, status, errors } = setup({
      onAuthError: () => {
        throw new Error('refresh endpoint down')
      },
    })
    scripted.autoRespond(() => ({ type: 'auth' }))
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(status().phase).toBe('auth-required')
    expect(errors).toEqual([{ error: new Error('refresh endpoint down'), raisedBy: 'onAuthError' }])
  })
})
