import type { Timers } from '../../src'

/** Timers and a clock that move only when the test says so. */
export function createManualTimers(start = 1_000_000) {
  let now = start
  let nextHandle = 1
  const due = new Map<number, { at: number; callback: () => void }>()
  const timers: Timers = {
    setTimeout(callback, ms) {
      const handle = nextHandle++
      due.set(handle, { at: now + ms, callback })
      return handle
    },
    clearTimeout(handle) {
      due.delete(handle as number)
    },
  }
  return {
    timers,
    now: () => now,
    /** Moves the clock on and runs every timer that comes due, in time order. */
    advance(ms: number) {
      const until = now + ms
      for (;;) {
        const next = [...due.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (!next) break
        due.delete(next[0])
        now = next[1].at
        next[1].callback()
      }
      now = until
    },
    pending: () => due.size,
  }
}
