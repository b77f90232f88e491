import type { EntityId, UnknownAction } from '@reduxjs/toolkit'
import type { EntityInternals, EntitySlice, ServerIdsOption, SyncedEntityState } from './createSyncedEntity'
import type { Settlement } from './actions'
import type { OutboxState } from './outboxState'
import type { Operation } from '../types'
import type { OutgoingOperation } from '../adapters/types'

/**
 * The contract between the core and server-assigned ids: what `createOfflineSync` calls when an entity
 * has `serverIds: serverAssignedIds()`. The remap itself lives in src/serverIds, reached only through
 * that option's value, so an app without server-assigned ids bundles none of it; the core imports only
 * these types.
 */

/** What `serverAssignedIds()` returns, for the `serverIds` option of `createSyncedEntity`. */
export interface ServerIdsPlugin extends ServerIdsOption {
  /** Builds the hooks of one `createOfflineSync` instance. */
  install(context: { reducerPath: string; entities: ReadonlyMap<string, EntityInternals> }): ServerIdsRuntime
}

/** Ids the server gave records created here: by entity, the server id of each temporary id. */
export type AssignedIds = Record<string, Record<string, EntityId>>

/** The hooks server-assigned ids add to one `createOfflineSync` instance. Not for apps. */
export interface ServerIdsRuntime {
  /**
   * An entity slice's state before `action` is reduced: for an `opsSettled` that confirms creates with
   * server ids, the records moved to their server ids and references rewritten. `state` may be a draft.
   */
  entity(entity: EntitySlice, state: SyncedEntityState<Record<string, unknown>>, action: UnknownAction): SyncedEntityState<Record<string, unknown>>
  /** The sync slice after `action` (`before` it: `before`): operations and the id map rewritten for the same confirmations. */
  outbox(before: OutboxState | undefined, after: OutboxState, action: UnknownAction): OutboxState
  /** Whether an operation waits: it refers to a record whose create the server has not confirmed yet. */
  waits(op: Operation, rootState: unknown): boolean
  /**
   * The settlements of answers, adjusted: a confirmed create whose record carries another id names the
   * server id (`recordId`) and the temporary one (`localId`); a refused create fails what refers to it.
   */
  settle(results: Settlement[], rootState: unknown): Settlement[]
  /**
   * An operation as the adapter gets it: a create of an entity with `serverIds` marked `serverAssignsId`,
   * and reference fields that name a temporary id the server has replaced since put to the server id.
   */
  outgoing(operation: OutgoingOperation, rootState: unknown): OutgoingOperation
  /** An entity action before it is queued, with temporary ids the server has replaced since put right. */
  translate(action: UnknownAction, rootState: unknown): UnknownAction
  /**
   * Called as a batch goes out: for its creates of entities with `serverIds`, a test of whether a pull has
   * moved their entity's cursor by the time the answer comes (undefined when it has none). Pages applied
   * meanwhile may have held the record's tombstone under an id not known here yet: the answer then counts
   * as `replayed` (Durability invariant 3; chaos seed 16718).
   */
  pulledWhileOut(batch: readonly Operation[], outbox: () => OutboxState): ((op: Operation) => boolean) | undefined
}
