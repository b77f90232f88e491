import type { Timers } from '../../src'

/**
 * One manual clock for every client and the backend of a scenario, and a way to let asynchronous work
 * (IndexedDB transactions, fetches answered at once, promise chains) run to quiescence without real time.
 *
 * `busy` counts work the harness knows is under way (a storage call not settled yet, a request being
 * answered). `settle()` turns the event loop with `setImmediate` (fake-indexeddb schedules its work with
 * `setImmediate`, so this order is deterministic) until nothing is busy for a few turns in a row.
 */
export interface Scheduler {
  readonly timers: Timers
  now(): number
  /** Marks a piece of work as under way; call the returned function when it is done. */
  track(): () => void
  /** Turns the event loop `rounds` times, or until quiescent when `rounds` is undefined. */
  settle(rounds?: number): Promise<void>
  /** Moves the clock on by `ms`, running each timer that comes due in time order and settling after each. */
  advance(ms: number): Promise<void>
  /** Timers waiting. */
  pending(): number
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

export function createScheduler(start = 1_700_000_000_000): Scheduler {
  let now = start
  let nextHandle = 1
  let busy = 0
  const due = new Map<number, { at: number; order: number; callback: () => void }>()
  const timers: Timers = {
    setTimeout(callback, ms) {
      const handle = nextHandle++
      due.set(handle, { at: now + Math.max(0, Number(ms) || 0), order: handle, callback })
      return handle
    },
    clearTimeout(handle) {
      due.delete(handle as number)
    },
  }

  async function settle(rounds?: number): Promise<void> {
    if (rounds !== undefined) {
      for (let i = 0; i < rounds; i++) await turn()
      return
    }
    // Quiet for a few turns in a row: promise chains that follow a finished storage call get to run.
    let quiet = 0
    for (let i = 0; i < 5000 && quiet < 4; i++) {
      await turn()
      quiet = busy === 0 ? quiet + 1 : 0
    }
  }

  return {
    timers,
    now: () => now,
    track() {
      busy += 1
      let done = false
      return () => {
        if (done) return
        done = true
        busy -= 1
      }
    },
    settle,
    async advance(ms) {
      const until = now + ms
      for (;;) {
        let next: [number, { at: number; order: number; callback: () => void }] | undefined
        for (const entry of due) {
          if (entry[1].at > until) continue
          if (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].order < next[1].order)) next = entry
        }
        if (!next) break
        due.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].callback()
        await settle()
      }
      now = until
      await settle()
    },
    pending: () => due.size,
  }
}
