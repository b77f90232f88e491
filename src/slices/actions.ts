import { createAction, type EntityId } from '@reduxjs/toolkit'
import type { SyncErrorInfo } from '../core/errors'
import type { Operation, OperationKind, Version } from '../types'
import type { Change } from '../core/change'
import type { StorageProblem, SyncConflict } from './outboxState'

export type { StorageProblem } from './outboxState'
import type { ConflictResolutionKind } from '../conflicts/decideConflict'

/**
 * The library's actions: its event API. Types are `offline/<event>`, past tense for what happened.
 * Payloads carry everything reducers need, so reducers stay pure and every step can be asserted exactly.
 */

/** What the enqueue middleware adds to an entity action for each record it touches. */
export interface OpStamp {
  recordId: EntityId
  /** This action's change to the record; the optimistic view applies it as is. */
  change: Change
  /** The operation after this action: the change, or the change merged into an unsent one; null when both cancel out. */
  queued: Change | null
  /** True when `seq` names an operation already queued (not yet sent) that this change merges into. */
  coalesced: boolean
  seq: number
  /** Operation id, also the idempotency key (for a coalesced change: the existing operation's). */
  id: string
  baseVersion: Version | null
  /**
   * The confirmed state the change was made on, when the record had no pending changes (absent: it had
   * some, or the stamp predates this field). Another tab's action can reach this tab after a pull here
   * showed the record deleted: the change was still made on this record, not on its absence.
   */
  madeOn?: Record<string, unknown> | null
}

/** `meta.offline` of an entity action once the middleware has seen it. */
export interface OfflineMeta {
  entity: string
  at: number
  /** The user signed in when the change was made. */
  userId: string | null
  stamps: OpStamp[]
}

/** Marks an entity action before the middleware has seen it. */
export interface EntityActionMarker {
  entity: string
}

/**
 * How one sent operation ended, as recorded in the store. Durability invariant 4: it names the operation
 * by seq AND id (`opId`); reducers apply it only when the operation at that seq still has that id and
 * belongs to the signed-in user, so a late answer never settles another operation that reuses the seq.
 */
export type Settlement = { seq: number; opId: string; entity: string; recordId: EntityId } & (
  | {
      type: 'confirmed'
      record?: Record<string, unknown> | null
      /**
       * Server-assigned ids: the temporary id of a created record whose server id is `recordId` (the
       * operation had `localId` as its record id). Every slice moves the record to `recordId` first.
       */
      localId?: EntityId
      /**
       * The answer to a create sent before (its first answer lost): it may be the server's stored answer
       * given again, which shows the record as it was then, not now (see the pull handler's start-over).
       * Also a first answer to a create under server-assigned ids that came after a pull brought a
       * tombstone of its entity: perhaps its record's, under an id not known here yet (ServerIdsRuntime).
       */
      replayed?: true
    }
  | {
      type: 'conflict'
      remote: Record<string, unknown> | null
      kind: OperationKind
      /** How the entity's strategy settled it. */
      resolution: ConflictResolutionKind
      /** For client-wins and merges: the operation again, on top of the remote record, under a new id; null: nothing left to send. */
      next: { id: string; change: Change } | null
      /**
       * For manual: the parked change when it must change form to keep showing (an update of a record
       * gone on the server is parked as a create of the local record); null: as it was.
       */
      parked: Change | null
      /** For the conflict list: the confirmed state the change was made on, and what the client wanted. */
      base: Record<string, unknown> | null
      local: Record<string, unknown> | null
      /** Fields that differ, or that both sides changed (for merges). */
      fields: string[]
    }
  | { type: 'retry'; error: SyncErrorInfo; nextAttemptAt: number }
  | { type: 'failed'; error: SyncErrorInfo; dependents: number[] }
  | { type: 'auth'; error: SyncErrorInfo | null }
)

/**
 * How a batch went, for the circuit breaker: the backend answered, the batch failed transiently, credentials
 * were missing, or the engine settled it without asking the backend (`local`: changes made on a record the
 * server does not have; neither a success nor a failure of the backend). `pulled`: a pull's answers about
 * operations whose push answer was lost (confirmation by pull): the backend answered them, so they count
 * as synced, but no push went, so the circuit breaker (which judges pushes) is left as it is.
 */
export type BatchVerdict = 'answered' | 'transient' | 'auth' | 'local' | 'pulled'

/** An operation brought back from the failed list by `retryFailed`, re-applied as the newest change of its record. */
export interface RevivedOp {
  /** The failed operation's seq. */
  fromSeq: number
  seq: number
  /**
   * A fresh operation id. Safe even if the failed attempt reached the server: creates carry the
   * client's record id (a repeat is a conflict), updates set fields to values, deletes are idempotent.
   */
  id: string
  entity: string
  recordId: EntityId
  change: Change
}

/**
 * What storage held for one entity: its view and, for records that had pending operations, their
 * confirmed state and the confirmed state their changes were made on (when it differs).
 */
export interface StoredEntity {
  records: Record<string, unknown>[]
  bases: Array<
    | [EntityId, Record<string, unknown> | null]
    | [EntityId, Record<string, unknown> | null, Record<string, unknown> | null]
  >
}

/** What a restore found in storage, merged by the reducers with whatever was dispatched before it finished. */
export interface RehydratePayload {
  userId: string | null
  nextSeq: number
  /** Stored pull cursors by entity. */
  cursors: Record<string, string | null>
  conflicts: SyncConflict[]
  entities: Record<string, StoredEntity>
  /** Stored operations, oldest first: in-flight ones are pending again; failed ones keep their status. */
  ops: Operation[]
  /** Operations made before the restore finished get new seqs after the stored ones: [old, new]. */
  renumber: Array<[number, number]>
  /** Server-assigned ids, as stored. */
  assignedIds?: Record<string, Record<string, EntityId>>
}

const prefix = 'offline'

/** Ask for a drain now, skipping backoff waits and letting a probe through an open circuit. */
export const syncNow = /* @__PURE__ */ createAction(`${prefix}/syncRequested`)
/** Stop sending until `resume`. Changes are still applied and queued. */
export const pause = /* @__PURE__ */ createAction(`${prefix}/paused`)
/** Start sending again after `pause`, or after fresh credentials when sending waits for them. */
export const resume = /* @__PURE__ */ createAction(`${prefix}/resumed`)
/** Queue failed operations again (all, or those ids), re-applied to the view as the newest change of their record. */
export const retryFailed = /* @__PURE__ */ createAction(`${prefix}/failedRetried`, (opIds?: string[]) => ({
  payload: { opIds: opIds ?? null, revived: [] as RevivedOp[] },
}))
/** Forget failed operations (all, or those ids). They were rolled back already. */
export const discardFailed = /* @__PURE__ */ createAction(`${prefix}/failedDiscarded`, (opIds?: string[]) => ({
  payload: { opIds: opIds ?? null },
}))
/** Clear conflicts from the list (all, or those ids). */
export const dismissConflicts = /* @__PURE__ */ createAction(`${prefix}/conflictsDismissed`, (ids?: string[]) => ({
  payload: { ids: ids ?? null },
}))
/** The device went online or offline. Dispatched by the engine from `network`; apps may dispatch it too. */
export const networkChanged = /* @__PURE__ */ createAction(
  `${prefix}/networkChanged`,
  (online: boolean, at: number = Date.now()) => ({ payload: { online, at } }),
)

/**
 * Internal events, dispatched by the drain listener. `opsSent`'s `bases` are the base versions the
 * operations go with (in the order of `seqs`), stored with the sent mark so that every later send of an
 * operation goes with the same one (Durability invariant 1); its `bodies`, likewise, the data.
 */
export const opsSent = /* @__PURE__ */ createAction<{
  seqs: number[]
  at: number
  probe: boolean
  bases?: Array<Version | null>
  /** By seq, the body an operation goes with where it is not its stored data (server ids put in its references). */
  bodies?: Record<number, Record<string, unknown> | null>
}>(`${prefix}/opsSent`)
export const opsSettled = /* @__PURE__ */ createAction<{ at: number; verdict: BatchVerdict; results: Settlement[] }>(
  `${prefix}/opsSettled`,
)
/**
 * The sent mark of these operations could not be stored, so they were not sent (write-ahead): they are
 * pending again, as they were, and wait until `nextAttemptAt`.
 */
export const opsUnsent = /* @__PURE__ */ createAction<{ seqs: number[]; error: SyncErrorInfo; nextAttemptAt: number; at: number }>(
  `${prefix}/opsUnsent`,
)
export const drainWaiting = /* @__PURE__ */ createAction<{ nextAttemptAt: number | null }>(`${prefix}/drainWaiting`)
export const authRestored = /* @__PURE__ */ createAction(`${prefix}/authRestored`)
/** A scheduled retry time or the circuit's cool-down has come. */
export const retryDue = /* @__PURE__ */ createAction(`${prefix}/retryDue`)
/** Storage held what was restored; merged with what was dispatched meanwhile. Sending starts after it. */
export const rehydrated = /* @__PURE__ */ createAction<RehydratePayload>(`${prefix}/rehydrated`)
/** A stored value was unreadable and moved aside; the store booted without it. */
export const storageCorrupted = /* @__PURE__ */ createAction<StorageProblem>(`${prefix}/storageCorrupted`)
/** Storage cannot be used (it throws, a wrong encryption key, data from a newer version): nothing is written. */
export const storageFailed = /* @__PURE__ */ createAction<SyncErrorInfo>(`${prefix}/storageFailed`)
/** Another user signed in (or out: null). The slices empty and that user's outbox is restored. */
export const userSwitched = /* @__PURE__ */ createAction<{ userId: string | null; hydrated: boolean }>(`${prefix}/userSwitched`)
/** The outbox and synced slices as a live tab holds them (see tabSynced). */
export interface TabSnapshot {
  /** Waiting, in-flight, parked and failed operations. */
  ops: Operation[]
  conflicts: SyncConflict[]
  nextSeq: number
  cursors: Record<string, string | null>
  /** Each synced entity slice's state, by entity name. */
  entities: Record<string, unknown>
  /** This tab sends: what the snapshot shows in flight was sent by a tab that is gone, so it is pending again. */
  resetInflight: boolean
  /** Server-assigned ids, when any. */
  assignedIds?: Record<string, Record<string, EntityId>>
}
/**
 * A tab that opened next to live tabs takes the state one of them holds, in place of what it restored:
 * storage lags the live tabs (a confirmed operation's record goes once its slice is stored).
 */
export const tabSynced = /* @__PURE__ */ createAction<TabSnapshot>(`${prefix}/tabSynced`)
/**
 * This tab sends, and heard another tab mark these operations sent: a sender that is gone, whose message
 * came late. Nobody waits for their answer: pending again, still counted as sent (they may have gone).
 */
export const opsAbandoned = /* @__PURE__ */ createAction<{ seqs: number[] }>(`${prefix}/opsAbandoned`)
/** This tab became the one that sends: operations another sender left in flight are pending again. */
export const senderElected = /* @__PURE__ */ createAction(`${prefix}/senderElected`)
/**
 * Settle a conflict parked for a person: keep the local change (sent again on top of the server's
 * record), take the server's record, or send a merged record. The middleware fills in `resolved`.
 */
export const resolveConflict = /* @__PURE__ */ createAction(
  `${prefix}/conflictResolved`,
  (resolution: { id: string; choose: 'local' | 'remote' } | { id: string; merged: Record<string, unknown> | null }) => ({
    payload: {
      ...resolution,
      resolved: null as null | {
        entity: string
        recordId: EntityId
        seq: number
        next: { id: string; change: Change } | null
        /** The server's record the conflict reported: `next` is a change onto it. */
        remote?: Record<string, unknown> | null
      },
    },
  }),
)
/** Pull remote changes now: of one entity, or of all. Dispatch it from a WebSocket or SSE handler for real-time updates. */
export const pullNow = /* @__PURE__ */ createAction(`${prefix}/pullRequested`, (entity?: string) => ({
  payload: { entity: entity ?? null },
}))
/** Internal events of the pull loop. */
export const pullStarted = /* @__PURE__ */ createAction<{ entity: string; at: number }>(`${prefix}/pullStarted`)
/**
 * An entity's pull must read the whole feed again from its start (`PullProgress.resyncing`): the server
 * no longer knows the cursor (410), or a create's answer may be a stored one given again.
 */
export const pullStartedOver = /* @__PURE__ */ createAction<{ entity: string }>(`${prefix}/pullStartedOver`)
/** A page of remote changes, applied and its cursor stored in the same step: a failure never skips data. */
export const pulledPage = /* @__PURE__ */ createAction<{
  entity: string
  changes: Array<{ id: EntityId; record: Record<string, unknown> | null }>
  cursor: string | null
  hasMore: boolean
  at: number
  /** Set when the page ends a start-over (false), or when more of it follows (true): `PullProgress.resyncing`. */
  resyncing?: boolean
  /** Records of a start-over's page that replace the confirmed state whatever their version (see renewedByResync). */
  renewed?: EntityId[]
}>(`${prefix}/pulledPage`)
/** A pull failed; `auth` when it was refused for credentials (401, 403): sending and pulling then wait for them. */
export const pullFailed = /* @__PURE__ */ createAction<{ entity: string; error: SyncErrorInfo; nextAttemptAt: number; at: number; auth?: boolean }>(
  `${prefix}/pullFailed`,
)
