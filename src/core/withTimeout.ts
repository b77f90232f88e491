import { SyncTimeoutError } from './errors'
import type { Timers } from './timers'

/**
 * Runs a request with a signal that aborts after `timeoutMs`, or when `outer` aborts (the engine
 * stopped, the user switched); rejects with a SyncTimeoutError or `outer`'s reason then (a later answer
 * is ignored). A synchronous throw rejects too, and the timer never outlives the call.
 */
export function withTimeout<T>(
  run: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  timers: Timers,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const abort = (reason: unknown) => {
      controller.abort(reason)
      reject(reason)
    }
    if (outer?.aborted) {
      abort(outer.reason)
      return
    }
    const onOuterAbort = () => abort(outer!.reason)
    outer?.addEventListener('abort', onOuterAbort, { once: true })
    const timer = timers.setTimeout(() => abort(new SyncTimeoutError(timeoutMs)), timeoutMs)
    let pending: Promise<T>
    try {
      pending = Promise.resolve(run(controller.signal))
    } catch (error) {
      pending = Promise.reject(error)
    }
    void pending.then(resolve, reject).finally(() => {
      timers.clearTimeout(timer)
      outer?.removeEventListener('abort', onOuterAbort)
    })
  })
}
