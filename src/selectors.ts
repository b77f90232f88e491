import { createSelector, type EntityId } from '@reduxjs/toolkit'
import { SyncSetupError, type SyncErrorInfo } from './core/errors'
import { selectOutbox } from './slices/selectOutbox'
import type { OutboxState, PullProgress, SyncConflict } from './slices/outboxState'
import { idPath, trieGet, trieValues, type Trie } from './core/trie'
import type { Operation } from './types'

/** Where sync stands, in one word for a banner. */
export type SyncPhase = 'idle' | 'syncing' | 'offline' | 'backoff' | 'circuit-open' | 'paused' | 'auth-required'

/** What `selectStatus` returns. The same object while nothing in it changes. */
export interface SyncStatus {
  phase: SyncPhase
  online: boolean
  /** Operations waiting to be sent or in flight (parked conflicts are counted in `conflicts`). */
  pending: number
  inflight: number
  failed: number
  /** When sending will next be tried, while waiting out a backoff or an open circuit (epoch milliseconds). */
  nextAttemptAt: number | null
  /** When the backend last confirmed an operation (epoch milliseconds). */
  lastSyncedAt: number | null
  lastError: SyncErrorInfo | null
  /** Conflicts parked for a person (`selectOpenConflicts`). */
  conflicts: number
}

/** Where pulling stands, for a progress bar. */
export interface PullStatus {
  /** Whether any entity is pulling now. */
  active: boolean
  /** Pages and records applied so far in the current (or last) run, over all entities. */
  pages: number
  records: number
  /** Per entity: cursor, status, counts, last pull time, error. */
  entities: Record<string, PullProgress>
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
  /** Conflicts the server reported, oldest first: open ones and the last settled ones. */
  selectConflicts(state: unknown): SyncConflict[]
  /** Conflicts parked for a person, waiting for `resolveConflict`. */
  selectOpenConflicts(state: unknown): SyncConflict[]
  /** Pull progress by entity, for a progress bar. */
  selectPullProgress(state: unknown): PullStatus
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
  // Parked conflicts wait for a person, not for the network.
  if (outbox.counts.pending - outbox.counts.parked > 0) return outbox.nextAttemptAt !== null ? 'backoff' : 'syncing'
  return 'idle'
}

/**
 * The selectors of the sync slice mounted under `reducerPath`, from the root state; entity slices are
 * read under their names. `sync.selectors` is one of these; the React hooks build their own from the
 * store's state alone, so they need no set-up.
 */
export function createSyncSelectors(reducerPath = 'offline'): SyncSelectors {
  const selectSyncState = (state: unknown) => selectOutbox(state, reducerPath)
  const selectOpenConflicts = createSelector([(state: unknown) => selectSyncState(state).conflicts], (conflicts) =>
    conflicts.filter((conflict) => conflict.status === 'open'),
  )
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
      (state: unknown) => selectOpenConflicts(state).length,
    ],
    (phase, online, counts, nextAttemptAt, lastSyncedAt, lastError, conflicts): SyncStatus => ({
      phase,
      online,
      pending: counts.pending - counts.parked,
      inflight: counts.inflight,
      failed: counts.failed,
      nextAttemptAt,
      lastSyncedAt,
      lastError,
      conflicts,
    }),
  )
  const selectPullProgress = createSelector([(state: unknown) => selectSyncState(state).pull], (pull): PullStatus => {
    const all = Object.values(pull)
    return {
      active: all.some((entity) => entity.status === 'pulling'),
      pages: all.reduce((sum, entity) => sum + entity.pages, 0),
      records: all.reduce((sum, entity) => sum + entity.records, 0),
      entities: pull,
    }
  })
  return {
    selectSyncState,
    selectPendingCount(state, entity) {
      const { counts } = selectSyncState(state)
      return entity === undefined ? counts.pending : (counts.byEntity[entity] ?? 0)
    },
    selectIsPending(state, entity, id) {
      const slice = (state as Record<string, { pending?: Trie<unknown> } | undefined>)?.[entity]
      if (!slice || typeof slice.pending !== 'object')
        throw new SyncSetupError(`selectIsPending: no synced entity slice is mounted under "${entity}".`)
      return trieGet(slice.pending, idPath(id)) !== undefined
    },
    selectFailed,
    selectOps,
    selectConflicts: (state) => selectSyncState(state).conflicts,
    selectOpenConflicts,
    selectPullProgress,
    selectStorage: (state) => selectSyncState(state).storage,
    selectStatus,
  }
}
