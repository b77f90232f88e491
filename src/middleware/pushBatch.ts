import type { EntityId } from '@reduxjs/toolkit'
import type { OutgoingOperation, SyncAdapter, SyncOutcome } from '../adapters/types'
import { SyncAdapterError, SyncTimeoutError, toErrorInfo } from '../core/errors'
import { checkOutcome, type RecordIdOf } from './checkOutcome'
import type { Timers } from '../core/timers'
import { withTimeout } from '../core/withTimeout'

export interface PushBatchOptions {
  timeoutMs: number
  timers: Timers
  onError: (error: unknown) => void
  /** Reads a record's id as its entity does: outcomes whose record is another record are refused. @default record.id */
  recordIdOf?: RecordIdOf
  /** Aborts the request (the engine stopped, the user switched); it then resolves to retries at once. */
  signal?: AbortSignal
}

/**
 * Sends a batch through the adapter and always resolves to one outcome per operation. A timeout aborts
 * the request and retries the batch; an adapter that throws or breaks its contract retries the batch and
 * is reported through `onError`, so the queue never stops and nothing is dropped.
 *
 * Durability invariant 5 (nothing trusted): each outcome is checked against the operation it answers
 * (its shape, its errors, `retryAfterMs`, and that a record or remote is the record in question); a
 * malformed one becomes an `adapter-failed` retry of that operation, reported through `onError`.
 */
export async function pushBatch(
  adapter: SyncAdapter,
  operations: readonly OutgoingOperation[],
  options: PushBatchOptions,
): Promise<SyncOutcome[]> {
  const recordIdOf: RecordIdOf = options.recordIdOf ?? ((_, record) => record.id as EntityId | undefined)
  const retryAll = (error: unknown): SyncOutcome[] =>
    operations.map(() => ({ type: 'retry', error: toErrorInfo(error) }))
  let result: unknown
  try {
    result = await withTimeout(
      (signal) => adapter.push(operations, { signal, recordIdOf }),
      options.timeoutMs,
      options.timers,
      options.signal,
    )
  } catch (cause) {
    // A timeout or an abort is the engine's own doing; anything else the adapter threw is reported.
    if (cause instanceof SyncTimeoutError || options.signal?.aborted) return retryAll(cause)
    options.onError(cause)
    return retryAll(
      new SyncAdapterError(`The adapter's push threw: ${cause instanceof Error ? cause.message : String(cause)}. The batch will be retried.`, { cause }),
    )
  }
  if (!Array.isArray(result) || result.length !== operations.length) {
    const error = new SyncAdapterError(
      `The adapter's push must resolve to one outcome per operation ({ type: 'ok' | 'conflict' | 'retry' | 'reject' | 'auth' }); ` +
        `it got ${operations.length} operations and returned ${Array.isArray(result) ? `${result.length} items` : typeof result}. The batch will be retried.`,
    )
    options.onError(error)
    return retryAll(error)
  }
  const outcomes = result as unknown[]
  return operations.map((operation, index): SyncOutcome => {
    const checked = checkOutcome(outcomes[index], operation, recordIdOf)
    if (typeof checked !== 'string') return checked
    const error = new SyncAdapterError(
      `The adapter's outcome for the ${operation.kind} of ${operation.entity} ${JSON.stringify(operation.recordId)} is malformed: ${checked}. ` +
        'The operation will be retried; fix the adapter so it returns outcomes of the SyncOutcome shape.',
    )
    options.onError(error)
    return { type: 'retry', error: toErrorInfo(error) }
  })
}
