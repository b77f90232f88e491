import { SyncTimeoutError } from '../errors'
import type { Timers } from './timers'

/**
 * Runs a request with a signal that aborts after `timeoutMs`; rejects with a SyncTimeoutError then
 * (a later answer is ignored). A synchronous throw rejects too, and the timer never outlives the call.
 */
export function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, timeoutMs: number, timers: Timers): Promise<T> {
  const controller = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const timer = timers.setTimeout(() => {
      const error = new SyncTimeoutError(timeoutMs)
      controller.abort(error)
      reject(error)
    }, timeoutMs)
    let pending: Promise<T>
    try {
      pending = Promise.resolve(run(controller.signal))
    } catch (error) {
      pending = Promise.reject(error)
    }
    void pending.then(resolve, reject).finally(() => timers.clearTimeout(timer))
  })
}
