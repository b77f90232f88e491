import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { syncEvents, SyncSetupError, type SyncEvent } from '../../src'
import { createScriptedAdapter, ok, reject, retry } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

const todo = (id: string) => ({ id, title: id, done: false })
const T0 = 1_000_000
const stops: Array<() => void> = []

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  vi.useRealTimers()
})

/** A store on a scripted adapter with events on, the clock the fake timers' one, and every event recorded. */
function setup(options: Parameters<typeof createTestStore>[1] = {}) {
  const scripted = createScriptedAdapter()
  const t = createTestStore(scripted.adapter, { now: () => Date.now(), events: syncEvents, ...options })
  stops.push(() => t.sync.stop())
  const events: SyncEvent[] = []
  const unsubscribe = t.sync.subscribe((event) => events.push(event))
  return { ...t, scripted, events, unsubscribe }
}

const types = (events: readonly SyncEvent[]) => events.map((event) => event.type)
const summary = (id: string, seq: number, recordId: string, attempts: number) => ({
  id,
  seq,
  entity: 'todos',
  recordId,
  kind: 'create',
  attempts,
  enqueuedAt: T0,
})

describe('sync.subscribe', () => {
  it('tells a drain: started, each operation sent, the request answered, each confirmed, finished with its counts and duration', async () => {
    const { store, todos, scripted, events } = setup()
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    // The request is in flight: the drain started and both operations left, nothing more yet.
    expect(events).toEqual([
      { type: 'drainStarted', at: T0 },
      { type: 'opSent', at: T0, op: summary('op-1', 1, 'a', 1), probe: false },
      { type: 'opSent', at: T0, op: summary('op-2', 2, 'b', 1), probe: false },
    ])
    await vi.advanceTimersByTimeAsync(250)
    scripted.answer(() => ok())
    await advance()
    expect(events.slice(3)).toEqual([
      { type: 'requestFinished', at: T0 + 250, sentAt: T0, durationMs: 250, ops: 2, outcome: 'answered' },
      { type: 'opConfirmed', at: T0 + 250, op: summary('op-1', 1, 'a', 1), timeToConfirmMs: 250 },
      { type: 'opConfirmed', at: T0 + 250, op: summary('op-2', 2, 'b', 1), timeToConfirmMs: 250 },
      { type: 'drainFinished', at: T0 + 250, startedAt: T0, durationMs: 250, ops: 2, requests: 1 },
    ])
  })

  it('tells nothing for a run of the drain that sends nothing', async () => {
    const { store, sync, events } = setup({ online: false })
    store.dispatch(sync.actions.syncNow())
    await advance()
    expect(events).toEqual([])
  })

  it('tells a retry with its error and time, then the second attempt and its confirmation', async () => {
    const { store, todos, scripted, events } = setup()
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    // random() = 0.5: the first wait is half of 1000 ms.
    expect(events).toEqual([
      { type: 'drainStarted', at: T0 },
      { type: 'opSent', at: T0, op: summary('op-1', 1, 'a', 1), probe: false },
      { type: 'requestFinished', at: T0, sentAt: T0, durationMs: 0, ops: 1, outcome: 'transient' },
      {
        type: 'opRetried',
        at: T0,
        op: summary('op-1', 1, 'a', 1),
        error: expect.objectContaining({ status: 503 }),
        nextAttemptAt: T0 + 500,
      },
      { type: 'drainFinished', at: T0, startedAt: T0, durationMs: 0, ops: 1, requests: 1 },
    ])
    events.length = 0
    scripted.autoRespond(() => ok())
    await vi.advanceTimersByTimeAsync(500)
    expect(types(events)).toEqual(['drainStarted', 'opSent', 'requestFinished', 'opConfirmed', 'drainFinished'])
    expect(events[1]).toMatchObject({ op: { attempts: 2 } })
    expect(events[3]).toMatchObject({ at: T0 + 500, timeToConfirmMs: 500 })
  })

  it('tells a rejected operation as failed, and a conflict with how it was settled', async () => {
    const { store, todos, scripted, events } = setup({ conflict: 'manual' })
    scripted.autoRespond((op) => (op.recordId === 'a' ? reject() : { type: 'conflict', remote: { id: 'b', title: 'theirs', done: false } }))
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    expect(events.filter((event) => event.type === 'opFailed' || event.type === 'opConflicted')).toEqual([
      { type: 'opFailed', at: T0, op: summary('op-1', 1, 'a', 1), error: expect.objectContaining({ message: 'title is required' }) },
      { type: 'opConflicted', at: T0, op: summary('op-2', 2, 'b', 1), resolution: 'manual', fields: ['title'] },
    ])
  })

  it('tells the circuit breaker opening after the failures in a row, and closing when the probe succeeds', async () => {
    const { store, todos, scripted, events } = setup({ circuitBreaker: { failureThreshold: 2, cooldownMs: 10_000 }, retry: { baseDelayMs: 100, maxDelayMs: 100 } })
    scripted.autoRespond(() => retry())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    await vi.advanceTimersByTimeAsync(50)
    const opened = events.filter((event) => event.type === 'breakerOpened')
    expect(opened).toEqual([{ type: 'breakerOpened', at: T0 + 50, failures: 2, openUntil: T0 + 50 + 10_000 }])
    scripted.autoRespond(() => ok())
    events.length = 0
    await vi.advanceTimersByTimeAsync(10_000)
    expect(events).toEqual([
      { type: 'drainStarted', at: T0 + 10_050 },
      { type: 'opSent', at: T0 + 10_050, op: summary('op-1', 1, 'a', 3), probe: true },
      { type: 'requestFinished', at: T0 + 10_050, sentAt: T0 + 10_050, durationMs: 0, ops: 1, outcome: 'answered' },
      { type: 'opConfirmed', at: T0 + 10_050, op: summary('op-1', 1, 'a', 3), timeToConfirmMs: 10_050 },
      { type: 'breakerClosed', at: T0 + 10_050 },
      { type: 'drainFinished', at: T0 + 10_050, startedAt: T0 + 10_050, durationMs: 0, ops: 1, requests: 1 },
    ])
  })

  it('stops telling a listener once unsubscribed, and tells the others', async () => {
    const { store, todos, sync, scripted, events, unsubscribe } = setup()
    const other: SyncEvent[] = []
    sync.subscribe((event) => other.push(event))
    unsubscribe()
    scripted.autoRespond(() => ok())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(events).toEqual([])
    expect(types(other)).toEqual(['drainStarted', 'opSent', 'requestFinished', 'opConfirmed', 'drainFinished'])
  })

  it('reports a listener that throws to onError and goes on: the drain ends, the other listeners hear everything', async () => {
    const { store, todos, sync, scripted, errors, status, events } = setup()
    const boom = new Error('listener bug')
    sync.subscribe(() => {
      throw boom
    })
    scripted.autoRespond(() => ok())
    store.dispatch(todos.actions.added(todo('a')))
    await advance()
    expect(status()).toMatchObject({ phase: 'idle', pending: 0 })
    expect(types(events)).toEqual(['drainStarted', 'opSent', 'requestFinished', 'opConfirmed', 'drainFinished'])
    expect(errors).toEqual(Array.from({ length: 5 }, () => ({ error: boom, raisedBy: 'listener' })))
  })

  it('tells a storage problem the restore found', async () => {
    const { store, events } = setup()
    const { storageCorrupted } = await import('../../src/slices/actions')
    const problem = { key: 'rtk-offline:todos', quarantineKey: 'rtk-offline:quarantine:todos', reason: 'not JSON', preview: '{', at: T0 }
    store.dispatch(storageCorrupted(problem))
    expect(events).toEqual([{ type: 'storageProblem', at: T0, problem, error: null }])
  })

  it('needs the events option: without it, subscribe says how to turn events on', () => {
    const scripted = createScriptedAdapter()
    const { sync } = createTestStore(scripted.adapter)
    stops.push(() => sync.stop())
    expect(() => sync.subscribe(() => {})).toThrow(SyncSetupError)
    expect(() => sync.subscribe(() => {})).toThrow(/events: syncEvents/)
  })
})
