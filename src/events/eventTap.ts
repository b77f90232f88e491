import type { UnknownAction } from '@reduxjs/toolkit'
import { seqPath, trieGet } from '../core/trie'
import { opsSent, opsSettled, opsUnsent, pulledPage, storageCorrupted, storageFailed } from '../slices/actions'
import { isAnswered } from '../slices/outbox/operationLedger'
import type { OutboxState } from '../slices/outboxState'
import type { Operation } from '../types'
import type { OpSummary, SyncEvent } from './types'

/** One request (push) in flight, shared by the operations it carries until its answer comes. */
interface SentRequest {
  at: number
  ops: number
  done?: boolean
}

/** What the events of one store remember between actions: the run of the drain going on, and its requests. */
export interface EventTrack {
  /** A run of the drain is going on (the engine said so; see `drainRun`). */
  running: boolean
  /** When it sent its first request; null until it sends one. */
  startedAt: number | null
  ops: number
  requests: number
  /** Requests awaiting their answer, by the seqs of their operations. */
  sent: Map<number, SentRequest>
}

export const eventTrack = (): EventTrack => ({ running: false, startedAt: null, ops: 0, requests: 0, sent: new Map() })

const summary = ({ id, seq, entity, recordId, kind, attempts, enqueuedAt }: Operation): OpSummary => ({
  id,
  seq,
  entity,
  recordId,
  kind,
  attempts,
  enqueuedAt,
})

/**
 * The events one action tells, read from the action and the sync slice before and after the reducers saw
 * it: the engine dispatches its own actions (opsSent, opsSettled, pulledPage, …) for every step, so events
 * need no hooks in it beyond where a run of the drain begins and ends (`drainRun`).
 */
export function tapAction(
  action: UnknownAction,
  before: OutboxState,
  after: OutboxState,
  track: EventTrack,
  now: () => number,
  emit: (event: SyncEvent) => void,
): void {
  const payload = action.payload as { at?: unknown } | undefined
  const at = typeof payload?.at === 'number' ? payload.at : now()
  const drainSends = () => {
    if (track.running && track.startedAt === null) {
      track.startedAt = at
      emit({ type: 'drainStarted', at })
    }
  }
  if (opsSent.match(action)) {
    drainSends()
    track.requests++
    const request: SentRequest = { at, ops: action.payload.seqs.length }
    for (const seq of action.payload.seqs) {
      const op = trieGet(after.ops, seqPath(seq))
      if (!op) continue
      track.sent.set(seq, request)
      emit({ type: 'opSent', at, op: summary(op), probe: action.payload.probe })
    }
  } else if (opsSettled.match(action)) {
    const { verdict } = action.payload
    for (const result of action.payload.results) {
      // As the reducers: an answer to an operation no longer at its seq (or of another user) changes nothing.
      if (!isAnswered(before, result, () => true)) continue
      const op = summary(trieGet(before.ops, seqPath(result.seq))!)
      const request = track.sent.get(result.seq)
      track.sent.delete(result.seq)
      if (request && !request.done) {
        request.done = true
        const outcome = verdict === 'transient' || verdict === 'auth' ? verdict : 'answered'
        emit({ type: 'requestFinished', at, sentAt: request.at, durationMs: at - request.at, ops: request.ops, outcome })
      }
      if (track.running) track.ops++
      if (result.type === 'confirmed') emit({ type: 'opConfirmed', at, op, timeToConfirmMs: at - op.enqueuedAt })
      else if (result.type === 'retry') emit({ type: 'opRetried', at, op, error: result.error, nextAttemptAt: result.nextAttemptAt })
      else if (result.type === 'failed') emit({ type: 'opFailed', at, op, error: result.error })
      else if (result.type === 'conflict') emit({ type: 'opConflicted', at, op, resolution: result.resolution, fields: result.fields })
    }
  } else if (opsUnsent.match(action)) {
    // Their sent mark could not be stored: they did not leave, no answer will come.
    drainSends()
    for (const seq of action.payload.seqs) track.sent.delete(seq)
    emit({ type: 'storageProblem', at, problem: null, error: action.payload.error })
  } else if (pulledPage.match(action)) {
    const { entity, changes, cursor, hasMore } = action.payload
    emit({ type: 'pullPageApplied', at, entity, records: changes.length, cursor, hasMore })
  } else if (storageCorrupted.match(action)) {
    emit({ type: 'storageProblem', at, problem: action.payload, error: null })
  } else if (storageFailed.match(action)) {
    emit({ type: 'storageProblem', at, problem: null, error: action.payload })
  }
  const circuit = after.circuit
  if (circuit.state !== before.circuit.state) {
    if (circuit.state === 'open') emit({ type: 'breakerOpened', at, failures: circuit.failures, openUntil: circuit.openUntil })
    else if (circuit.state === 'closed') emit({ type: 'breakerClosed', at })
  }
}

/**
 * A run of the drain begins (`running`) or ends: the push handler says so. A run that sent something ends
 * with `drainFinished`; its requests are all answered by then, or their answers will be ignored.
 */
export function drainRun(track: EventTrack, running: boolean, now: () => number, emit: (event: SyncEvent) => void): void {
  if (!running && track.startedAt !== null) {
    const at = now()
    emit({ type: 'drainFinished', at, startedAt: track.startedAt, durationMs: at - track.startedAt, ops: track.ops, requests: track.requests })
  }
  Object.assign(track, eventTrack(), { running })
}
