import type { EntityId } from '@reduxjs/toolkit'
import type { SyncErrorInfo } from '../core/errors'
import type { CircuitState } from '../core/circuitBreaker'
import type { Trie } from '../core/trie'
import type { ConflictResolutionKind } from '../conflicts/decideConflict'
import type { Operation, OperationKind } from '../types'

// The shape of the sync slice (`state[reducerPath]`), apart from the reducers that keep it: actions,
// reducers, selectors, persistence and the react hooks all read these types.

/** A conflict the server reported, and how it was settled. */
export interface SyncConflict {
  /** The operation's id when the conflict was found; `resolveConflict({ id, … })` takes it. */
  id: string
  /** The operation's seq (its place in the outbox). */
  seq: number
  entity: string
  recordId: EntityId
  kind: OperationKind
  /** The confirmed state the local change was made on (null: the server had no such record). */
  base: Record<string, unknown> | null
  /** What the client wanted: the base with the change applied (null: deleted locally). */
  local: Record<string, unknown> | null
  /** The server's record (null: gone on the server). */
  remote: Record<string, unknown> | null
  /** Fields that differ between local and remote, or that both sides changed (merges). */
  fields: string[]
  /** How it was settled; `manual` while it waits for a person. */
  resolution: ConflictResolutionKind
  /** `open` while parked for a person (the record's later operations wait); `resolved` once settled. */
  status: 'open' | 'resolved'
  /** What the person chose with `resolveConflict`, once they did; null otherwise. */
  choice: 'local' | 'remote' | 'merged' | null
  detectedAt: number
}

/** Where pulling one entity stands. */
export interface PullProgress {
  /** Where the last applied page ended (persisted); null before the first pull. */
  cursor: string | null
  status: 'idle' | 'pulling' | 'error'
  /** Pages and records applied in the current (or last) run. */
  pages: number
  records: number
  /** Failed attempts in a row. */
  attempts: number
  lastPulledAt: number | null
  error: SyncErrorInfo | null
  /** While failing: when the next attempt goes. */
  nextAttemptAt: number | null
  /**
   * The pull is starting over after the server no longer knew its cursor (410): it reads the whole feed
   * again, then removes the records it had that the feed no longer holds (deleted meanwhile). Stored, so a
   * start-over cut short (a reload, going offline) starts over again rather than going on from a page of it.
   */
  resyncing: boolean
}

/** Counters kept as operations move, so counts cost O(1) at any outbox size. */
export interface OutboxCounts {
  /** Operations not yet confirmed: waiting, in flight or parked. */
  pending: number
  inflight: number
  /** Operations parked as conflicts for a person (part of `pending`). */
  parked: number
  failed: number
  /** `pending` per entity. */
  byEntity: Record<string, number>
}

/** The sync slice, mounted under `sync.reducerPath`. Read it with `sync.selectors`. */
export interface OutboxState {
  /** The seq the next new operation gets. */
  nextSeq: number
  /** Waiting, in-flight and parked operations by seq (a trie: read it with `selectOps`). */
  ops: Trie<Operation>
  /** Failed operations by seq, rolled back and kept until retried or discarded. */
  failed: Trie<Operation>
  conflicts: SyncConflict[]
  counts: OutboxCounts
  online: boolean
  paused: boolean
  /** Sending waits for fresh credentials. */
  authRequired: boolean
  circuit: CircuitState
  /** When the drain will next try, while it waits out a backoff; null otherwise. */
  nextAttemptAt: number | null
  /** When the backend last confirmed an operation. */
  lastSyncedAt: number | null
  /** The latest failure, cleared when the backend answers again. */
  lastError: SyncErrorInfo | null
  /** False until persistence has restored what storage held; nothing is sent before. */
  hydrated: boolean
  /** The signed-in user (`switchUser`); only this user's operations are sent. */
  userId: string | null
  /** Stored values found unusable and moved aside, and why storage cannot be used at all, if so. */
  storage: { problems: StorageProblem[]; error: SyncErrorInfo | null }
  /** Pull progress and cursors, by entity. */
  pull: Record<string, PullProgress>
  /**
   * Server-assigned ids (entities with `serverIds`): by entity, the server id of each temporary id. Absent
   * until the first one; read it with `selectServerId` and `selectLocalId`.
   */
  assignedIds?: Record<string, Record<string, EntityId>>
}

/** A stored value that could not be used, moved aside (never deleted). */
export interface StorageProblem {
  /** The key it was read from. */
  key: string
  /** Where it was moved, or null when it could not even be read (then it was left where it was). */
  quarantineKey: string | null
  reason: string
  /** The first characters of the bad value, when it could be read. */
  preview: string | null
  at: number
}
