import type { SyncEngine } from '../syncHandler'

/** One timer that dispatches an action at a time: the drain's wake-up when a backoff or the circuit's cool-down ends. */
export interface Alarm {
  /** Rings at `at` (epoch ms), replacing the time set before; null: not at all. */
  set(at: number | null): void
}

export function alarm(engine: SyncEngine, ring: () => void): Alarm {
  const { timers, now } = engine.config
  let timer: unknown
  let wakeAt: number | null = null
  const set = (at: number | null) => {
    if (at === wakeAt) return
    if (timer !== undefined) timers.clearTimeout(timer)
    timer = undefined
    wakeAt = at
    if (at === null) return
    timer = timers.setTimeout(
      () => {
        timer = undefined
        wakeAt = null
        ring()
      },
      Math.max(0, at - now()),
    )
  }
  engine.signal.addEventListener('abort', () => set(null), { once: true })
  return { set }
}
