import { backoffDelay } from '../../core/backoff'
import { SyncAdapterError, toErrorInfo } from '../../core/errors'
import { opsSettled, type Settlement } from '../../slices/actions'
import type { Operation } from '../../types'
import type { SyncEngine } from '../syncHandler'
import { stillAnswering } from './stillAnswering'

/**
 * Nothing between opsSent and opsSettled may leave operations in flight for good: when recording a sent
 * batch's answers threw (`error`), its operations go again after a backoff, under the same idempotency
 * keys, settled as `retry` with the error as the reason. Dispatches that settlement (of those still
 * answering) and returns it. Used by the drain for a batch settled at once and for answers it held.
 */
export function settleUnrecorded(engine: SyncEngine, batch: readonly Operation[], error: unknown): Settlement[] {
  const { config } = engine
  const failure = toErrorInfo(
    new SyncAdapterError(`A sent batch failed before its answers were recorded: ${error instanceof Error ? error.message : String(error)}. The batch will be retried.`, {
      cause: error,
    }),
  )
  const at = config.now()
  const results = stillAnswering(
    engine.outbox(),
    batch.map(
      (op): Settlement => ({
        seq: op.seq,
        opId: op.id,
        entity: op.entity,
        recordId: op.recordId,
        type: 'retry',
        error: failure,
        nextAttemptAt: at + backoffDelay(op.attempts + 1, config.retry, config.random),
      }),
    ),
  )
  engine.api.dispatch(opsSettled({ at, verdict: 'transient', results }))
  return results
}
