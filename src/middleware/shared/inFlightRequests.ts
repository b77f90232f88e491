import { SyncNetworkError } from '../../core/errors'

/**
 * The requests of one store in flight (PushOptions.signal, PullRequest.signal), aborted together: when the
 * engine stops, and when another user signs in, so no answer of the user who left is applied (Durability
 * invariant 4). After `hold` nothing new goes out until `renew`.
 */
export interface InFlightRequests {
  /** The signal a request started now carries. */
  readonly signal: AbortSignal
  /** True after `hold` (a user switch is underway, or the engine stopped) until `renew`. */
  readonly held: boolean
  /** Aborts the requests in flight; their answers are dropped. Nothing new goes until `renew`. */
  hold(why: string): void
  /** Aborts what is still in flight and lets requests go again, under a fresh signal. */
  renew(why: string): void
}

/** The requests in flight of an engine, aborted for good when `engineSignal` aborts. */
export function inFlightRequests(engineSignal: AbortSignal): InFlightRequests {
  let controller = new AbortController()
  const hold = (why: string) => {
    if (controller.signal.aborted) return
    controller.abort(new SyncNetworkError(`${why} while the request was in flight; its answer is ignored and the operation will be sent again.`))
  }
  engineSignal.addEventListener('abort', () => hold('The sync engine stopped'), { once: true })
  return {
    get signal() {
      return controller.signal
    },
    get held() {
      return controller.signal.aborted
    },
    hold,
    renew(why) {
      hold(why)
      if (!engineSignal.aborted) controller = new AbortController()
    },
  }
}
