import { createSelector, type EntityId } from '@reduxjs/toolkit'
import type { SyncErrorInfo } from './errors'
import { selectOutbox } from './middleware/enqueueMiddleware'
import type { EntityInternals } from './slices/createSyncedEntity'
import type { OutboxState, SyncConflict } from './slices/outboxSlice'
import { idPath, trieGet, trieValues } from './slices/trie'
import type { Operation } from './types'

/** Where sync stands, in one word for a banner. */
export type SyncPhase = 'idle' | 'syncing' | 'offline' | 'backoff' | 'circuit-open' | 'paused' | 'auth-required'

/** What `selectStatus` returns. The same object while nothing in it changes. */
export interface SyncStatus {
  phase: SyncPhase
  online: boolean
  /** Operations not yet confirmed (waiting or in flight). */
  pending: number
  inflight: number
  failed: number
  /** When sending will next be tried, while waiting out a backoff or an open circuit (epoch milliseconds). */
  nextAttemptAt: number | null
  /** When the backend last confirmed an operation (epoch milliseconds). */
  lastSyncedAt: number | null
  lastError: SyncErrorInfo | null
}

/** The selectors of an rtk-offline instance. All take the root state. */
export interface SyncSelectors {
  /** Operations not yet confirmed, in all or in one entity. O(1). */
  selectPendingCount(state: unknown, entity?: string): number
  /** Whether a record has changes the server has not confirmed. O(1). */
  selectIsPending(state: unknown, entity: string, id: EntityId): boolean
  /** Failed operations, oldest first: rolled back, with their reason; retry or discard them. */
  selectFailed(state: unknown): Operation[]
  /** Every operation in the outbox (waiting, in flight, failed), oldest first. */
  selectOps(state: unknown): Operation[]
  /** Conflicts the server reported, oldest first. */
  selectConflicts(state: unknown): SyncConflict[]
  selectStatus(state: unknown): SyncStatus
  /**
   * What persistence found wrong: stored values moved aside as unusable (`problems`), and why storage
   * cannot be used at all (`error`: it throws, a wrong encryption key, data from a newer version).
   */
  selectStorage(state: unknown): OutboxState['storage']
  /** The whole sync slice. */
  selectSyncState(state: unknown): OutboxState
}

function phaseOf(outbox: OutboxState): SyncPhase {
  if (outbox.paused) return 'paused'
  if (outbox.authRequired) return 'auth-required'
  if (!outbox.online) return 'offline'
  if (outbox.circuit.state === 'open') return 'circuit-open'
  if (outbox.counts.inflight > 0) return 'syncing'
  if (outbox.counts.pending > 0) return outbox.nextAttemptAt !== null ? 'backoff' : 'syncing'
  return 'idle'
}

export function buildSelectors(reducerPath: string, entities: ReadonlyMap<string, EntityInternals>): SyncSelectors {
  const selectSyncState = (state: unknown) => selectOutbox(state, reducerPath)
  const selectFailed = createSelector([(state: unknown) => selectSyncState(state).failed], (failed) => trieValues(failed))
  const selectOps = createSelector(
    [(state: unknown) => selectSyncState(state).ops, (state: unknown) => selectSyncState(state).failed],
    (ops, failed) => {
      const waiting = trieValues(ops)
      const done = trieValues(failed)
      if (done.length === 0) return waiting
      return [...waiting, ...done].sort((a, b) => a.seq - b.seq)
    },
  )
  // Each input is a primitive or a stable reference, so the result is the same object until one changes.
  const selectStatus = createSelector(
    [
      (state: unknown) => phaseOf(selectSyncState(state)),
      (state: unknown) => selectSyncState(state).online,
      (state: unknown) => selectSyncState(state).counts,
      (state: unknown) => {
        const outbox = selectSyncState(state)
        return outbox.circuit.state === 'open' ? outbox.circuit.openUntil : outbox.nextAttemptAt
      },
      (state: unknown) => selectSyncState(state).lastSyncedAt,
      (state: unknown) => selectSyncState(state).lastError,
    ],
    (phase, online, counts, nextAttemptAt, lastSyncedAt, lastError): SyncStatus => ({
      phase,
      online,
      pending: counts.pending,
      inflight: counts.inflight,
      failed: counts.failed,
      nextAttemptAt,
      lastSyncedAt,
      lastError,
    }),
  )
  return {
    selectSyncState,
    selectPendingCount(state, entity) {
      const { counts } = selectSyncState(state)
      return entity === undefined ? counts.pending : (counts.byEntity[entity] ?? 0)
    },
    selectIsPending(state, entity, id) {
      const internals = entities.get(entity)
      if (!internals) throw new TypeError(`rtk-offline: selectIsPending: "${entity}" is not an entity of this sync instance.`)
      return trieGet(internals.selectState(state).pending, idPath(id)) !== undefined
    },
    selectFailed,
    selectOps,
    selectConflicts: (state) => selectSyncState(state).conflicts,
    selectStorage: (state) => selectSyncState(state).storage,
    selectStatus,
  }
}
