import type { Timers } from '../../../src'

/** A piece of asynchronous work the clock knows about: it counts as busy unless paused or done. */
export interface Work {
  /** Steps aside while it waits on the manual clock (a slow answer), so `settle()` does not wait for it. */
  pause(): void
  resume(): void
  done(): void
}

/**
 * One manual clock for the pages, their persistence and the server, and a way to let asynchronous work
 * (IndexedDB, MSW requests, promise chains) run to quiescence without real time. As test/chaos/scheduler.ts,
 * plus work that can wait on the clock: a slow answer sleeps until the test advances time past it.
 */
export function createClock(start = 1_700_000_000_000) {
  let now = start
  let nextHandle = 1
  let busy = 0
  const due = new Map<number, { at: number; callback: () => void }>()
  const timers: Timers = {
    setTimeout(callback, ms) {
      const handle = nextHandle++
      due.set(handle, { at: now + Math.max(0, Number(ms) || 0), callback })
      return handle
    },
    clearTimeout(handle) {
      due.delete(handle as number)
    },
  }
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

  function work(): Work {
    let state: 'active' | 'paused' | 'done' = 'active'
    busy += 1
    return {
      pause() {
        if (state !== 'active') return
        state = 'paused'
        busy -= 1
      },
      resume() {
        if (state !== 'paused') return
        state = 'active'
        busy += 1
      },
      done() {
        if (state === 'active') busy -= 1
        state = 'done'
      },
    }
  }

  async function settle(): Promise<void> {
    let quiet = 0
    for (let i = 0; i < 5000 && quiet < 4; i++) {
      await turn()
      quiet = busy === 0 ? quiet + 1 : 0
    }
  }

  /** The next timer's due time, or undefined when none waits. */
  function nextAt(): number | undefined {
    let at: number | undefined
    for (const timer of due.values()) if (at === undefined || timer.at < at) at = timer.at
    return at
  }

  return {
    timers,
    now: () => now,
    /** Marks work under way; call the returned function when it is done (the chaos suite's Scheduler shape). */
    track: () => {
      const w = work()
      return () => w.done()
    },
    work,
    settle,
    nextAt,
    pending: () => due.size,
    /** Resolves once the clock has moved on by `ms` (a timer like any other). */
    sleep: (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms)),
    /** Moves the clock on by `ms`, running each timer that comes due in time order and settling after each. */
    async advance(ms: number): Promise<void> {
      const until = now + ms
      for (;;) {
        let next: [number, { at: number; callback: () => void }] | undefined
        for (const entry of due) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry
        if (!next) break
        due.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].callback()
        await settle()
      }
      now = until
      await settle()
    },
  }
}

export type Clock = ReturnType<typeof createClock>
