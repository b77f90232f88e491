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
  /**
   * Every action before it is queued and reduced: an entity action with the temporary ids the server has
   * replaced since put right (another tab's too), and a pulled page's tombstones counted (see `deletedWhileOut`).
   */
  beforeAction(action: UnknownAction, rootState: unknown): UnknownAction
  /**
   * Called as a batch goes out: for its creates of entities with `serverIds`, a test of whether a pull has
   * brought a tombstone of that entity by the time the answer comes (undefined when it has no such create).
   * It may be the created record's, under an id not known here yet: the answer then counts as `replayed`
   * and the feed is read again (Durability invariant 3; chaos seed 16718).
   */
  deletedWhileOut(batch: readonly Operation[]): ((op: Operation) => boolean) | undefined
}
