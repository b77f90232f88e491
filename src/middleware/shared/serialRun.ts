/**
 * Runs a task one at a time. An ask made while a run is going on does not start another: it is merged
 * into the next ask, and the run goes once more with it when the current one ends. So a `syncNow` during
 * a drain never sends anything twice, and pulls asked for during a pull run once after it.
 */
export interface SerialRun<Ask> {
  /** Runs now, or merges `ask` into the next run. Resolves true once this call's runs are done, false when merged. */
  ask(ask: Ask): Promise<boolean>
  /**
   * Merges `ask` into the next run when a run is going on (true), else does nothing (false): what `ask`
   * does while running, without a promise, for a caller that must not start a run itself.
   */
  joinRunning(ask: Ask): boolean
}

/** `idle` runs when a run (with the asks merged into it) ends, even by an error. */
export function serialRun<Ask>(
  run: (ask: Ask) => Promise<void>,
  merge: (queued: Ask | undefined, ask: Ask) => Ask,
  idle?: () => void,
): SerialRun<Ask> {
  let running = false
  let queued: Ask | undefined
  let hasQueued = false
  const joinRunning = (ask: Ask): boolean => {
    if (!running) return false
    queued = merge(hasQueued ? queued : undefined, ask)
    hasQueued = true
    return true
  }
  return {
    joinRunning,
    async ask(ask) {
      if (joinRunning(ask)) return false
      running = true
      try {
        let next: Ask | undefined = ask
        let more = true
        while (more) {
          queued = undefined
          hasQueued = false
          await run(next as Ask)
          more = hasQueued
          next = queued
        }
      } finally {
        running = false
        queued = undefined
        hasQueued = false
        idle?.()
      }
      return true
    },
  }
}
