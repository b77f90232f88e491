import type { OutgoingOperation, SyncAdapter, SyncOutcome } from '../adapters/types'
import { SyncAdapterError, SyncTimeoutError, toErrorInfo } from '../errors'
import type { Timers } from './timers'
import { withTimeout } from './withTimeout'

const outcomeTypes = new Set(['ok', 'conflict', 'retry', 'reject', 'auth'])

function isOutcome(value: unknown): value is SyncOutcome {
  return typeof value === 'object' && value !== null && outcomeTypes.has((value as { type?: string }).type ?? '')
}

/**
 * Sends a batch through the adapter and always resolves to one outcome per operation. A timeout aborts
 * the request and retries the batch; an adapter that throws or breaks its contract retries the batch and
 * is reported through `onError`, so the queue never stops and nothing is dropped.
 */
export async function pushBatch(
  adapter: SyncAdapter,
  operations: readonly OutgoingOperation[],
  options: { timeoutMs: number; timers: Timers; onError: (error: unknown) => void },
): Promise<SyncOutcome[]> {
  const retryAll = (error: unknown): SyncOutcome[] =>
    operations.map(() => ({ type: 'retry', error: toErrorInfo(error) }))
  try {
    const result = await withTimeout((signal) => adapter.push(operations, { signal }), options.timeoutMs, options.timers)
    if (!Array.isArray(result) || result.length !== operations.length || !result.every(isOutcome)) {
      const error = new SyncAdapterError(
        `The adapter's push must resolve to one outcome per operation ({ type: 'ok' | 'conflict' | 'retry' | 'reject' | 'auth' }); ` +
          `it got ${operations.length} operations and returned ${Array.isArray(result) ? `${result.length} items` : typeof result}. The batch will be retried.`,
      )
      options.onError(error)
      return retryAll(error)
    }
    return result
  } catch (cause) {
    // A timeout is the engine's own doing; anything else the adapter threw is reported.
    if (cause instanceof SyncTimeoutError) return retryAll(cause)
    options.onError(cause)
    return retryAll(
      new SyncAdapterError(`The adapter's push threw: ${cause instanceof Error ? cause.message : String(cause)}. The batch will be retried.`, { cause }),
    )
  }
}
