import type { SyncErrorInfo } from '../core/errors'
import type { ConflictResolutionKind } from '../conflicts/decideConflict'
import type { StorageProblem } from '../slices/outboxState'
import type { EntityId, OperationKind } from '../types'

// The sync events of `sync.subscribe`: what the engine did, told as plain serialisable objects. Every `at`
// is the engine's clock (`now` option), in epoch milliseconds.

/** An operation as events name it: who and what, never its data. */
export interface OpSummary {
  /** Operation id, also the idempotency key. */
  id: string
  /** Its place in the outbox. */
  seq: number
  entity: string
  recordId: EntityId
  kind: OperationKind
  /** How many times it has been sent, this time included for `opSent`. */
  attempts: number
  /** When it was made (epoch milliseconds). */
  enqueuedAt: number
}

/**
 * A drain began sending: the first request of a run of the drain (a run that sends nothing tells nothing).
 */
export interface DrainStartedEvent {
  type: 'drainStarted'
  at: number
}

/** A drain that sent something ended: nothing more to send now, or the way closed (offline, paused, backoff). */
export interface DrainFinishedEvent {
  type: 'drainFinished'
  at: number
  startedAt: number
  durationMs: number
  /** Operations the drain settled (confirmed, retried, failed or in conflict). */
  ops: number
  /** Requests (pushes) it sent. */
  requests: number
}

/** An operation left in a request (with persistence: once its sent mark was written). */
export interface OpSentEvent {
  type: 'opSent'
  at: number
  op: OpSummary
  /** Sent alone through a half-open circuit breaker, to see whether the backend is back. */
  probe: boolean
}

/** The backend confirmed an operation (or a pull showed it had it). */
export interface OpConfirmedEvent {
  type: 'opConfirmed'
  at: number
  op: OpSummary
  /** From when it was made to now: its time to confirm. */
  timeToConfirmMs: number
}

/** An attempt failed transiently (network, timeout, 408, 429, 5xx, …); the operation goes again at `nextAttemptAt`. */
export interface OpRetriedEvent {
  type: 'opRetried'
  at: number
  op: OpSummary
  error: SyncErrorInfo
  nextAttemptAt: number
}

/** The backend rejected an operation for good (or it ran out of attempts): rolled back, kept in the failed list. */
export interface OpFailedEvent {
  type: 'opFailed'
  at: number
  op: OpSummary
  error: SyncErrorInfo
}

/** The backend reported a conflict; `resolution` says how the entity's strategy settled it (`manual`: parked for a person). */
export interface OpConflictedEvent {
  type: 'opConflicted'
  at: number
  op: OpSummary
  resolution: ConflictResolutionKind
  /** Fields that differ, or that both sides changed. */
  fields: string[]
}

/** The answer to one request (push) came back: how long it took and how it went. */
export interface RequestFinishedEvent {
  type: 'requestFinished'
  at: number
  sentAt: number
  durationMs: number
  /** Operations the request carried. */
  ops: number
  /** `answered`: the backend answered; `transient`: it failed as a whole (network, timeout, 5xx); `auth`: credentials needed. */
  outcome: 'answered' | 'transient' | 'auth'
}

/** A page of remote changes was applied and its cursor stored. */
export interface PullPageAppliedEvent {
  type: 'pullPageApplied'
  at: number
  entity: string
  /** Records in the page (changed or deleted). */
  records: number
  cursor: string | null
  hasMore: boolean
}

/** The circuit breaker opened: sending stops until `openUntil`, then one probe goes. */
export interface BreakerOpenedEvent {
  type: 'breakerOpened'
  at: number
  /** Transient failures in a row. */
  failures: number
  openUntil: number | null
}

/** The circuit breaker closed: the backend answered (or the device came back online). */
export interface BreakerClosedEvent {
  type: 'breakerClosed'
  at: number
}

/**
 * Storage went wrong: a stored value was unreadable and moved aside (`problem`), storage cannot be used at
 * all, or the sent mark of a batch could not be written, so it was not sent (`error`).
 */
export interface StorageProblemEvent {
  type: 'storageProblem'
  at: number
  problem: StorageProblem | null
  error: SyncErrorInfo | null
}

/** What `sync.subscribe` listeners receive: switch on `type`. */
export type SyncEvent =
  | DrainStartedEvent
  | DrainFinishedEvent
  | OpSentEvent
  | OpConfirmedEvent
  | OpRetriedEvent
  | OpFailedEvent
  | OpConflictedEvent
  | RequestFinishedEvent
  | PullPageAppliedEvent
  | BreakerOpenedEvent
  | BreakerClosedEvent
  | StorageProblemEvent

/** Every `type` of {@link SyncEvent}. */
export type SyncEventType = SyncEvent['type']

/** A listener of `sync.subscribe`. One that throws is reported to `onError` (`raisedBy: 'listener'`); sync goes on. */
export type SyncEventListener = (event: SyncEvent) => void
