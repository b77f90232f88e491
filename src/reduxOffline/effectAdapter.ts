import { toErrorInfo, type OutgoingOperation, type PushOptions, type SyncAdapter, type SyncErrorInfo, type SyncOutcome } from 'rtk-offline'
import { ownEntityAdapter } from '../adapters/ownEntityAdapter'
import { queueOrder } from '../adapters/queueOrder'
import { backoffDelay, resolveRetryOptions } from '../core/backoff'
import { defaultDiscard, needsCredentials, statusOf } from './defaultDiscard'
import type { DiscardPolicy, EffectRunner, QueuedAction, ReduxOfflineOptions } from './types'

/** What the effect adapter shares with the middleware of the same createReduxOffline instance. */
export interface EffectRunState {
  /** The store's getState, set by the middleware (the adapter is made before the store). */
  getState: (() => unknown) | null
  /** The errors effects failed with for good, by operation id, for the rollback's payload in this tab. */
  readonly errors: Map<string, unknown>
  /**
   * Records whose effect ended (ok or given up) and whose answer the engine has not settled yet: it may
   * hold confirmations to settle them with later batches (heldAnswers), and they are done, not waiting.
   */
  readonly answered: Set<string>
}


/**
 * The adapter that runs queued actions' effects, and hands every other entity's operations to the app's
 * adapter. Effects run one at a time, oldest first, as redux-offline sends them: the engine sends one
 * operation per record in parallel, and each queued action is a record of its own, so the order is kept
 * here. A failure that is tried again holds back the actions queued after it (they are answered `retry`
 * for the same wait, so they come due together, in order); one given up lets the next run, as in
 * redux-offline, which dequeues it and sends the next.
 */
export function buildEffectAdapter(name: string, options: ReduxOfflineOptions & { effect: EffectRunner }, run: EffectRunState, app?: SyncAdapter): SyncAdapter {
  const runner: EffectRunner = options.effect
  const discard: DiscardPolicy = options.discard ?? defaultDiscard
  const ownDiscard = options.discard !== undefined
  const retry = resolveRetryOptions(options.retry)
  const now = options.now ?? (() => Date.now())
  const random = options.random ?? Math.random
  /** Until when the oldest queued action waits after a failure (this session only; after a reload its stored wait rules). */
  let heldUntil = 0


  async function runEffects(ops: OutgoingOperation[], options: PushOptions): Promise<SyncOutcome[]> {
    const { order, waitFrom } = queueOrder(ops, run.getState?.(), name, run.answered)
    const outcomes = new Array<SyncOutcome>(ops.length)
    let held: SyncOutcome | null = null
    for (const [position, { op, index }] of order.entries()) {
      // From here on, an older action not in this batch still waits: these wait for it.
      if (position === waitFrom) held ??= waiting(Math.max(heldUntil - now(), 0) || retry.baseDelayMs)
      if (held) {
        outcomes[index] = held
        continue
      }
      const record = op.data as unknown as QueuedAction | null
      // Only `added` makes operations of this entity; anything else (a hand-dispatched update or delete)
      // has no effect to run.
      if (op.kind !== 'create' || record === null) {
        outcomes[index] = { type: 'ok' }
        continue
      }
      const action = record.action
      try {
        const result = await runner(action.meta.offline.effect, action, { idempotencyKey: op.id, retries: op.attempts, signal: options.signal })
        outcomes[index] = { type: 'ok', record: result === undefined ? { id: record.id, action } : { id: record.id, action, result } }
        run.answered.add(String(op.recordId))
        continue
      } catch (error) {
        const info = toErrorInfo(error)
        const status = statusOf(error)
        if (status !== undefined) info.status = status
        if (!options.signal.aborted && !ownDiscard && needsCredentials(status)) {
          held = outcomes[index] = { type: 'auth', error: { ...info, code: 'auth-required' } }
          continue
        }
        // Timed out or stopped: the outcome is unknown, so it goes again under the same key, whatever discard says.
        let giveUp = false
        if (!options.signal.aborted)
          try {
            giveUp = await discard(error, action, op.attempts)
          } catch {
            // As redux-offline: a discard that throws gives the action up (listed as failed, retryable).
            giveUp = true
          }
        if (giveUp) {
          run.errors.set(op.id, error)
          run.answered.add(String(op.recordId))
          outcomes[index] = { type: 'reject', error: { ...info, code: 'rejected' } }
          continue
        }
        const wait = backoffDelay(op.attempts + 1, retry, random)
        heldUntil = now() + wait
        held = outcomes[index] = { type: 'retry', error: { ...info, code: status === undefined ? info.code : 'http-error' }, retryAfterMs: wait }
      }
    }
    return outcomes
  }

  function waiting(retryAfterMs: number): SyncOutcome {
    const error: SyncErrorInfo = { name: 'SyncError', message: 'waiting for an earlier queued action, which is tried again first', code: 'waiting' }
    return { type: 'retry', error, retryAfterMs }
  }

  return ownEntityAdapter(name, runEffects, app, 'pass your adapter to reduxOffline.adapter(adapter).')
}
