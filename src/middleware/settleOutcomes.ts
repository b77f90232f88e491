import type { SyncOutcome } from '../adapters/types'
import { SyncError, type SyncErrorInfo } from '../core/errors'
import type { BatchVerdict, Settlement } from '../slices/actions'
import type { Operation } from '../types'
import { backoffDelay, type ResolvedRetryOptions } from '../core/backoff'

export interface SettleContext {
  now: number
  retry: ResolvedRetryOptions
  random: () => number
  /** Seqs of the record's later operations, which fail with a failed create. */
  dependentsOf(op: Operation): number[]
  /** Settles a conflict by the entity's strategy. */
  conflictOf(op: Operation, remote: Record<string, unknown> | null): Settlement
  /** The outcomes are the server's stored answers (a pull's `answered`), not answers to this send. */
  storedAnswers?: boolean
  /**
   * Whether a pull brought a tombstone of the operation's entity while it was out, where the server assigns
   * ids (the drain tells): it may be the record's, whose answer then shows it as it was (see `replayed`).
   */
  deletedWhileOut?: (op: Operation) => boolean
  /** Server-assigned ids: the settlements adjusted (ServerIdsRuntime.settle). */
  adjust?: ((results: Settlement[]) => Settlement[]) | undefined
}

/** Turns the adapter's outcomes into what the reducers record, deciding retry times and give-ups. */
export function settleOutcomes(
  sent: readonly Operation[],
  outcomes: readonly SyncOutcome[],
  context: SettleContext,
): { results: Settlement[]; verdict: BatchVerdict } {
  let answered = false
  let transient = false
  const results = sent.map((op, index): Settlement => {
    const outcome = outcomes[index]!
    const where = { seq: op.seq, opId: op.id, entity: op.entity, recordId: op.recordId }
    // Causality: nothing built on a record the server never got can go after it.
    const failed = (error: SyncErrorInfo): Settlement => ({
      ...where,
      type: 'failed',
      error,
      dependents: op.kind === 'create' ? context.dependentsOf(op) : [],
    })
    switch (outcome.type) {
      case 'ok':
        answered = true
        // A create sent before may be answered from the server's stored answer (see Settlement's `replayed`);
        // one answered after a pull brought a tombstone meanwhile is as old as such an answer (chaos seed 16718).
        return op.kind === 'create' && (op.attempts > 0 || context.storedAnswers === true || context.deletedWhileOut?.(op) === true)
          ? { ...where, type: 'confirmed', record: outcome.record ?? null, replayed: true }
          : { ...where, type: 'confirmed', record: outcome.record ?? null }
      case 'conflict':
        answered = true
        return context.conflictOf(op, outcome.remote)
      case 'reject':
        answered = true
        return failed(outcome.error)
      case 'auth':
        return { ...where, type: 'auth', error: outcome.error ?? null }
      case 'retry': {
        transient = true
        const attempts = op.attempts + 1
        if (attempts >= context.retry.maxAttempts) {
          const error = new SyncError(
            'max-attempts-exceeded',
            `Gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}; the last one failed with: ${outcome.error.message}. Retry it with retryFailed().`,
          )
          return failed(error.toInfo())
        }
        const wait = outcome.retryAfterMs ?? backoffDelay(attempts, context.retry, context.random)
        return { ...where, type: 'retry', error: outcome.error, nextAttemptAt: context.now + wait }
      }
    }
  })
  const verdict: BatchVerdict = answered ? 'answered' : transient ? 'transient' : 'auth'
  return { results: context.adjust ? context.adjust(results) : results, verdict }
}
