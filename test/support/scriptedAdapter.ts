import type { OutgoingOperation, PushOptions, SyncAdapter, SyncOutcome } from '../../src'

export interface PushCall {
  operations: OutgoingOperation[]
  signal: AbortSignal
}

type Responder = (operation: OutgoingOperation) => SyncOutcome

/**
 * An adapter a test steers: every push is logged and waits until the test answers it, or is answered at
 * once by `autoRespond`. Lets tests hold a batch in flight and see what the store does meanwhile.
 */
export function createScriptedAdapter() {
  const calls: PushCall[] = []
  const waiting: Array<{ call: PushCall; resolve: (outcomes: SyncOutcome[]) => void; reject: (error: unknown) => void }> = []
  let auto: Responder | null = null

  const adapter: SyncAdapter = {
    push(operations: readonly OutgoingOperation[], { signal }: PushOptions) {
      const call = { operations: [...operations], signal }
      calls.push(call)
      if (auto) {
        const respond = auto
        return Promise.resolve(operations.map((op) => respond(op)))
      }
      return new Promise<SyncOutcome[]>((resolve, reject) => waiting.push({ call, resolve, reject }))
    },
  }

  return {
    adapter,
    calls,
    /** Operation ids of every push, in order. */
    sent: () => calls.map((call) => call.operations.map((op) => op.id)),
    /** Answer every push from now on with this function. */
    autoRespond(respond: Responder | null) {
      auto = respond
    },
    /** How many pushes wait for an answer. */
    waitingCount: () => waiting.length,
    /** Answer the oldest waiting push. */
    answer(respond: Responder) {
      const next = waiting.shift()
      if (!next) throw new Error('no push is waiting')
      next.resolve(next.call.operations.map((op) => respond(op)))
    },
    /** Make the oldest waiting push throw. */
    fail(error: unknown) {
      const next = waiting.shift()
      if (!next) throw new Error('no push is waiting')
      next.reject(error)
    },
  }
}

export const ok = (record?: Record<string, unknown>): SyncOutcome => (record ? { type: 'ok', record } : { type: 'ok' })
export const retry = (retryAfterMs?: number): SyncOutcome => ({
  type: 'retry',
  error: { name: 'SyncHttpError', message: 'HTTP 503', code: 'http-error', status: 503 },
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
})
export const reject = (message = 'title is required'): SyncOutcome => ({
  type: 'reject',
  error: { name: 'SyncHttpError', message, code: 'http-error', status: 422 },
})
