import type { EntityId } from '@reduxjs/toolkit'
import type { SyncErrorInfo } from '../core/errors'
import type { OperationKind, Version } from '../types'

/** An operation as handed to an adapter's `push`. */
export interface OutgoingOperation {
  /** The operation id; send it as the idempotency key so a repeated request is applied once. */
  id: string
  /** The entity name, which is also the remote collection. */
  entity: string
  recordId: EntityId
  kind: OperationKind
  /** `create`: the whole record; `update`: the changed fields (JSON merge patch); `delete`: null. */
  data: Record<string, unknown> | null
  /** The version of the confirmed record this operation applies to (send as `If-Match`), or null when unknown. */
  baseVersion: Version | null
  /** How many times it was sent before. */
  attempts: number
  /** When the app made it, epoch milliseconds. */
  enqueuedAt: number
  /**
   * The user it was made under (`persistor.switchUser`), null when signed out or without users. Send
   * that user's credentials with it, never the signed-in user's if they differ: the REST adapter's
   * `headers(operation)` gets it for this.
   */
  userId: string | null
  /**
   * True for a create of an entity with `serverIds`: `recordId` is temporary and the server gives the
   * record its id. Leave the body's id out or keep it as the client's reference; the answer's record
   * carries the server's id (a record with another id is then the record in question).
   */
  serverAssignsId?: boolean
}

/**
 * What happened to one operation. Backends fail as values, not throws. The engine checks every outcome
 * against its operation (its shape, its errors, a finite `retryAfterMs` ≥ 0, and that `record` or
 * `remote` is the record in question); a malformed one is retried as `adapter-failed` and reported
 * to `onError`.
 *
 * - `ok`: applied; `record` is the server's copy (with its new version) when it sent one. For a create with
 *   `serverAssignsId`, its id is the one the server gave the record.
 * - `conflict`: the server holds another version; `remote` is its record, or null when it is gone.
 * - `retry`: a transient failure (network, timeout, 408, 425, 429, 5xx); try again later, not before
 *   `retryAfterMs` when the server said so.
 * - `reject`: a permanent failure (other 4xx); the change is rolled back and listed as failed.
 * - `auth`: credentials are needed (401, 403); sending pauses until they are refreshed.
 */
export type SyncOutcome<TRecord = Record<string, unknown>> =
  | { type: 'ok'; record?: TRecord }
  | { type: 'conflict'; remote: TRecord | null }
  | { type: 'retry'; error: SyncErrorInfo; retryAfterMs?: number }
  | { type: 'reject'; error: SyncErrorInfo }
  | { type: 'auth'; error?: SyncErrorInfo }

/** Options passed to {@link SyncAdapter.push}. */
export interface PushOptions {
  /** Aborted when the request times out, the sync engine stops or another user signs in. */
  signal: AbortSignal
  /**
   * Reads a record's id the way its entity does (`createSyncedEntity({ selectId })`): an adapter can
   * check that a response body is the record in question before it reports it as `ok` or as a
   * conflict's `remote`. The engine always passes it; a hand-written call may leave it out.
   */
  recordIdOf?: (entity: string, record: Record<string, unknown>) => EntityId | undefined
}

/** What the engine asks of `pull`: one page of changes after `cursor`. */
export interface PullRequest {
  entity: string
  /** Where the last applied page ended; null for the first pull. */
  cursor: string | null
  /** The most changes wanted in the page. */
  limit: number
  /** The entity's selective-sync parameters (filters, fields…), passed through as they are. */
  params: Record<string, string>
  signal: AbortSignal
  /**
   * Ids of this entity's operations that may have reached the backend without their answer reaching
   * the client (the answer was lost, or the app crashed mid-request). A backend that keeps what it
   * applied (the reference server's idempotency table) answers their outcomes in
   * {@link PullPage.answered}, so they are settled without being sent again. Not in flight now. The
   * engine leaves it out when there are none; an adapter that cannot ask may ignore it (the operations
   * are then sent again under the same idempotency key, as before).
   */
  unanswered?: readonly string[]
}

/** One page of remote changes. */
export interface PullPage {
  /** Changed records, oldest change first; `record: null` for a record deleted remotely. */
  changes: Array<{ id: string | number; record: Record<string, unknown> | null }>
  /** Where this page ends: the next pull starts here. */
  cursor: string | null
  /** Whether more changes follow at once. */
  hasMore: boolean
  /**
   * The outcomes of operations named in {@link PullRequest.unanswered} that the backend has already
   * applied (or refused), as the backend answered them then; operations it never received are left
   * out and are sent again. The engine settles each like an answer to `push`, after applying the
   * page's changes, and never lets such an answer's record replace a newer one it has pulled.
   */
  answered?: Array<{ id: string; outcome: SyncOutcome }>
}

/**
 * How rtk-offline talks to a backend. `push` sends a batch (at most one operation per record, so they
 * may go in parallel) and resolves to one outcome per operation, in the same order. It should not
 * throw; if it does, every operation of the batch is retried and the error is reported to `onError`.
 */
export interface SyncAdapter {
  push(operations: readonly OutgoingOperation[], options: PushOptions): Promise<SyncOutcome[]>
  /**
   * Fetches remote changes after a cursor. Optional: without it nothing is pulled. It may throw (or
   * reject) on failure; the pull is retried with backoff and the cursor stays where it was.
   */
  pull?(request: PullRequest): Promise<PullPage>
  /**
   * Listens for the backend's word that something changed (a Server-Sent Events poke, a WebSocket
   * message) and calls `onChange` with the entity that changed, or with no argument for any. The engine
   * then pulls at once (as `pullNow` does). Optional; it stops listening when `signal` is aborted (the
   * engine stops, or another user signs in). It must not throw; it reconnects on its own after a
   * dropped connection.
   */
  subscribe?(onChange: (entity?: string) => void, options: { signal: AbortSignal }): void
}
