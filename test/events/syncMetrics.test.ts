import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSyncMetrics, syncEvents, SyncSetupError } from '../../src'
import { sampleReservoir } from '../../src/events/sampleReservoir'
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

function setup() {
  const scripted = createScriptedAdapter()
  const t = createTestStore(scripted.adapter, { now: () => Date.now(), events: syncEvents, batchSize: 1 })
  stops.push(() => t.sync.stop())
  const metrics = createSyncMetrics(t.sync)
  stops.push(() => metrics.stop())
  return { ...t, scripted, metrics }
}

describe('createSyncMetrics', () => {
  it('counts what happened and gives percentiles of request durations and times to confirm', async () => {
    const { store, todos, scripted, metrics } = setup()
    const empty = metrics.selectMetrics()
    expect(empty).toMatchObject({ drains: 0, firstEventAt: null, requests: { count: 0, durationMs: { count: 0, p50: null, p95: null, p99: null, max: null } } })
    // Four records, one per request (batchSize 1): answered after 100, 200, 300 and 400 ms.
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c'), todo('d')]))
    await advance()
    for (const ms of [100, 200, 300, 400]) {
      await vi.advanceTimersByTimeAsync(ms)
      scripted.answer(() => ok())
      await advance()
    }
    const metricsNow = metrics.selectMetrics()
    expect(metricsNow).toEqual({
      firstEventAt: T0,
      lastEventAt: T0 + 1000,
      drains: 1,
      requests: { count: 4, transient: 0, auth: 0, durationMs: { count: 4, p50: 200, p95: 400, p99: 400, max: 400 } },
      ops: {
        sent: 4,
        confirmed: 4,
        retried: 0,
        failed: 0,
        conflicted: 0,
        // Made at T0, confirmed at +100, +300, +600, +1000.
        timeToConfirmMs: { count: 4, p50: 300, p95: 1000, p99: 1000, max: 1000 },
      },
      pull: { pages: 0, records: 0 },
      breakerOpened: 0,
      storageProblems: 0,
    })
    // The same object while nothing new is counted.
    expect(metrics.selectMetrics()).toBe(metricsNow)
  })

  it('counts retries, failures and transient requests; reset starts afresh and stop stops counting', async () => {
    const { store, todos, scripted, metrics } = setup()
    scripted.autoRespond((op) => (op.recordId === 'a' ? retry() : reject()))
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b')]))
    await advance()
    expect(metrics.selectMetrics()).toMatchObject({ requests: { count: 2, transient: 1 }, ops: { sent: 2, retried: 1, failed: 1, confirmed: 0 } })
    metrics.reset()
    expect(metrics.selectMetrics()).toMatchObject({ drains: 0, requests: { count: 0 }, ops: { sent: 0, retried: 0, failed: 0 } })
    metrics.stop()
    scripted.autoRespond(() => ok())
    await vi.advanceTimersByTimeAsync(10_000)
    expect(metrics.selectMetrics()).toMatchObject({ drains: 0, requests: { count: 0 }, ops: { sent: 0, confirmed: 0 } })
  })

  it('says what is wrong with maxSamples', () => {
    const { sync } = setup()
    expect(() => createSyncMetrics(sync, { maxSamples: 0 })).toThrow(SyncSetupError)
  })
})

describe('sampleReservoir', () => {
  it('is exact up to its size, then keeps a sample of everything seen with an exact count and max', () => {
    const exact = sampleReservoir(100, () => 0)
    for (let value = 1; value <= 100; value++) exact.add(value)
    expect(exact.percentiles()).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 })
    // random() = 0.99: each value past the size lands at slot floor(0.99 × seen), past the reservoir, so it is dropped.
    const full = sampleReservoir(10, () => 0.99)
    for (let value = 1; value <= 1000; value++) full.add(value)
    expect(full.percentiles()).toEqual({ count: 1000, p50: 5, p95: 10, p99: 10, max: 1000 })
    // random() = 0: each value past the size replaces slot 0.
    const replaced = sampleReservoir(2, () => 0)
    for (const value of [5, 7, 9]) replaced.add(value)
    expect(replaced.percentiles()).toEqual({ count: 3, p50: 7, p95: 9, p99: 9, max: 9 })
  })
})
