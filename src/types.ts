import type { SyncErrorInfo } from './core/errors'
import type { EntityId, OperationKind, Version } from './core/types'

export type { EntityId, OperationKind, Version }

/**
 * Where an operation stands:
 * `pending` waits to be sent, `inflight` is being sent, `conflict` is parked for a decision,
 * `failed` was rejected (or ran out of attempts) and is rolled back, kept until retried or discarded.
 */
export type OperationStatus = 'pending' | 'inflight' | 'conflict' | 'failed'

/** One change waiting in the outbox. Plain and serialisable. */
export interface Operation {
  /** Unique id, also the idempotency key sent to the backend. */
  id: string
  /** Position in the outbox: operations are sent oldest (lowest) first. */
  seq: number
  /** The entity name. */
  entity: string
  recordId: EntityId
  kind: OperationKind
  /** `create`: the whole record; `update`: the changed fields (JSON merge patch); `delete`: null. */
  data: Record<string, unknown> | null
  /**
   * The version of the server record the change was made on (for a record with earlier pending changes, the
   * one they were made on, not newer data a pull brought since), or null (new record, no version).
   */
  baseVersion: Version | null
  /** When it was made, epoch milliseconds. */
  enqueuedAt: number
  /** How many times it has been sent. */
  attempts: number
  /** Not sent again before this time (epoch milliseconds); null when it may go at once. */
  nextAttemptAt: number | null
  status: OperationStatus
  /** Why the last attempt failed, or why it failed for good. */
  lastError: SyncErrorInfo | null
  /** Higher goes first; from the entity's `priority`. */
  priority: number
  /** The user signed in when it was made (`switchUser`); it is only ever sent while that user is signed in. */
  userId: string | null
  /**
   * The id of the operation this one replaces: the same change re-sent under a new id after a conflict,
   * or a failed one queued again. Storage drops the replaced operation's record once this one is stored.
   */
  replaces?: string
}
