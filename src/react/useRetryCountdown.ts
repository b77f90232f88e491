import { useEffect, useReducer } from 'react'

/** Options of {@link useRetryCountdown}. */
export interface RetryCountdownOptions {
  /**
   * The clock, in epoch milliseconds. Use the one given to `createOfflineSync({ now })` if you gave one.
   * @default () => Date.now()
   */
  now?: () => number
}

const systemNow = () => Date.now()

/**
 * Whole seconds until a time, counting down once a second; null when there is no time to wait for.
 * Feed it `useSyncStatus().nextAttemptAt` to show when a backoff or an open circuit ends. It re-renders
 * only while counting, once per second, and uses the global `setTimeout` at call time (fake timers work).
 *
 * @param until epoch milliseconds, or null
 * @example
 * ```tsx
 * function NextTry() {
 *   const { nextAttemptAt } = useSyncStatus()
 *   const seconds = useRetryCountdown(nextAttemptAt)
 *   return seconds === null ? null : <span>Next try in {seconds} s</span>
 * }
 * ```
 */
export function useRetryCountdown(until: number | null, options: RetryCountdownOptions = {}): number | null {
  const now = options.now ?? systemNow
  const [tick, nextTick] = useReducer((count: number) => count + 1, 0)
  const remainingMs = until === null ? null : Math.max(0, until - now())
  useEffect(() => {
    if (remainingMs === null || remainingMs <= 0) return
    // Wake when the shown number changes: at the next whole second of the time left.
    const handle = setTimeout(nextTick, remainingMs % 1000 || 1000)
    return () => clearTimeout(handle)
  }, [remainingMs, tick])
  return remainingMs === null ? null : Math.ceil(remainingMs / 1000)
}
