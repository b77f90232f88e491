import { vi } from 'vitest'

/**
 * The one way tests let the engine run, instead of counting `await Promise.resolve()` rounds: it lets
 * every queued promise callback run, and every one those queue in turn, however long the chain.
 *
 * - With fake timers on (`vi.useFakeTimers()`, most engine tests): moves the fake clock on by `ms` with
 *   `vi.advanceTimersByTimeAsync`, which empties the promise queue before and after each timer that
 *   comes due. `advance()` (0 ms) fires only timers already due.
 * - With real timers (tests whose storage does real I/O through fake-indexeddb, and the property tests
 *   that inject inert timers): waits one real macrotask turn, by which the promise queue is empty. Time
 *   does not move there, so `ms` must be 0.
 *
 * What is in flight stays in flight: a test that looks at a state in the middle (a push sent, not yet
 * answered) holds it with an adapter that waits for the test (support/scriptedAdapter.ts), never by
 * stopping after a number of microtasks.
 */
export async function advance(ms = 0): Promise<void> {
  if (vi.isFakeTimers()) {
    await vi.advanceTimersByTimeAsync(ms)
    return
  }
  if (ms !== 0) throw new Error(`advance(${ms}) moves time only under vi.useFakeTimers(); with real timers, call advance() to let promises settle.`)
  await new Promise<void>((resolve) => setImmediate(resolve))
}
