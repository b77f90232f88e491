import type { UnknownAction } from '@reduxjs/toolkit'
import type { QueryReturnValue } from '@reduxjs/toolkit/query'
import { parseRetryAfter, toErrorInfo, type OutgoingOperation, type PushOptions, type SyncAdapter, type SyncErrorInfo, type SyncOutcome } from 'rtk-offline'
import { ownEntityAdapter } from '../adapters/ownEntityAdapter'
import { queueOrder } from '../adapters/queueOrder'
import { backoffDelay, resolveRetryOptions } from '../core/backoff'
import type { AnyApi } from './apiShape'
import { classifyMutationError, mutationErrorInfo } from './classifyMutationError'
import { ENGINE_KEY_PREFIX, type MutationRuntime } from './runtime'
import type { OfflineMutationsOptions, QueuedMutation } from './types'

type Result = QueryReturnValue<unknown, unknown, unknown>
/** What `dispatch(initiate(arg))` returns for a mutation: a promise of its result that can be aborted and reset. */
interface MutationRequest extends PromiseLike<Result> {
  abort(): void
  reset(): void
}

/**
 * The adapter that sends queued mutations through their endpoint and hands every other entity's
 * operations to the app's adapter. Mutations go one at a time, oldest first (as they were triggered: a
 * later one may depend on an earlier one): a retried one holds back the ones behind it (answered `retry`
 * for the same wait, so they come due together, in order); a refused one lets the next go.
 *
 * A mutation triggered in this page is sent through its waiting trigger (so RTK Query settles that trigger,
 * runs its `onQueryStarted` and invalidates its tags once); one restored after a reload is sent with
 * `initiate(arg)`. Either way the request carries the operation id as `Idempotency-Key`: the same on every
 * attempt and after a reload, and a new one when a refused mutation is retried (`retryFailed`), so a server
 * that stored the refusal under the old key looks at it afresh.
 */
export function buildMutationAdapter(
  name: string,
  api: AnyApi,
  options: Pick<OfflineMutationsOptions<AnyApi>, 'classifyError' | 'retry' | 'now' | 'random'>,
  run: MutationRuntime,
  app?: SyncAdapter,
): SyncAdapter {
  const classify = options.classifyError ?? classifyMutationError
  const retry = resolveRetryOptions(options.retry)
  const now = options.now ?? (() => Date.now())
  const random = options.random ?? Math.random
  /** Until when the oldest queued mutation waits after a failure (this session only). */
  let heldUntil = 0


  async function request(record: QueuedMutation, op: OutgoingOperation, signal: AbortSignal): Promise<Result> {
    run.onSending(record.id, op.attempts)
    const waiter = run.waiters.get(record.id)
    if (waiter) return await waiter.send(op.id, signal)
    const initiate = api.endpoints[record.endpoint]?.initiate as ((arg: unknown, options: { fixedCacheKey: string }) => UnknownAction) | undefined
    if (!initiate || !run.dispatch) return { error: { status: 'CUSTOM_ERROR', error: `no mutation endpoint "${record.endpoint}" in the API` } }
    run.sending.set(record.id, { idempotencyKey: op.id, signal })
    const started = run.dispatch(initiate(record.arg, { fixedCacheKey: `${ENGINE_KEY_PREFIX}${record.id}` })) as unknown as MutationRequest
    const abort = () => started.abort()
    signal.addEventListener('abort', abort)
    try {
      return await started
    } finally {
      signal.removeEventListener('abort', abort)
      run.sending.delete(record.id)
      started.reset()
    }
  }

  async function sendMutations(ops: OutgoingOperation[], push: PushOptions): Promise<SyncOutcome[]> {
    const { order, waitFrom } = queueOrder(ops, run.getState?.(), name, run.answered)
    const outcomes = new Array<SyncOutcome>(ops.length)
    let held: SyncOutcome | null = null
    for (const [position, { op, index }] of order.entries()) {
      // From here on, an older mutation not in this batch still waits (after a reload, its retry time not
      // reached while a later one is due): these wait for it, in order.
      if (position === waitFrom) held ??= waiting(Math.max(heldUntil - now(), 0) || retry.baseDelayMs)
      if (held) {
        outcomes[index] = held
        continue
      }
      const record = op.data as unknown as QueuedMutation | null
      // Only a trigger makes operations of this entity (a create); anything else has nothing to send.
      if (op.kind !== 'create' || record === null) {
        outcomes[index] = { type: 'ok' }
        continue
      }
      let result: Result
      try {
        result = await request(record, op, push.signal)
      } catch (error) {
        // A base query that throws (RTK Query catches that itself on its own path): the error is the answer.
        result = { error: toErrorInfo(error) }
      }
      const waiter = run.waiters.get(record.id)
      if (!('error' in result) || result.error === undefined) {
        run.answered.set(record.id, 'ok')
        run.onAnswered(record.id, 'ok')
        run.waiters.delete(record.id)
        waiter?.resolve(result)
        // The answer travels with the settlement, so a trigger waiting in another tab settles with it.
        const answer: QueuedMutation = result.data === undefined ? record : { ...record, result: result.data }
        outcomes[index] = { type: 'ok', record: answer as unknown as Record<string, unknown> }
        continue
      }
      // Timed out or stopped: the outcome is unknown, so it goes again under the same key.
      const kind = push.signal.aborted ? 'retry' : classify(result.error)
      const error = mutationErrorInfo(result.error, kind)
      if (kind === 'reject') {
        run.answered.set(record.id, 'refused')
        run.onAnswered(record.id, 'refused')
        run.waiters.delete(record.id)
        waiter?.resolve(result)
        outcomes[index] = { type: 'reject', error }
        continue
      }
      if (kind === 'auth') {
        held = outcomes[index] = { type: 'auth', error }
        continue
      }
      const header = (result.meta as { response?: { headers?: Headers } } | undefined)?.response?.headers?.get('Retry-After') ?? null
      const wait = parseRetryAfter(header, now()) ?? backoffDelay(op.attempts + 1, retry, random)
      heldUntil = now() + wait
      held = outcomes[index] = { type: 'retry', error, retryAfterMs: wait }
    }
    return outcomes
  }

  function waiting(retryAfterMs: number): SyncOutcome {
    const error: SyncErrorInfo = { name: 'SyncError', message: 'waiting for an earlier queued mutation, which is tried again first', code: 'waiting' }
    return { type: 'retry', error, retryAfterMs }
  }

  return ownEntityAdapter(name, sendMutations, app, 'pass your adapter to offlineMutations.adapter(adapter).')
}
