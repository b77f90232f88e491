import type { SyncConflict, SyncPhase, SyncSelectors, SyncStatus } from 'rtk-offline'

/**
 * What the hooks read from a sync instance: the part of its `selectors` they use. `sync.selectors`
 * is one; without an `OfflineSyncProvider`, the hooks build an equivalent from the sync slice they
 * find in the store's state.
 */
export type SyncReader = Pick<
  SyncSelectors,
  'selectStatus' | 'selectPendingCount' | 'selectIsPending' | 'selectFailed' | 'selectOpenConflicts' | 'selectPullProgress' | 'selectOps'
>

/**
 * Progress of the current run of sending, as {@link useSyncProgress} returns it. A run starts when
 * the outbox gets its first operation and ends when it is empty again.
 */
export interface SyncProgress {
  phase: SyncPhase
  /** True while operations wait or are in flight. */
  isActive: boolean
  /** Operations not yet confirmed (waiting or in flight). */
  pending: number
  /** Operations being sent right now. */
  inflight: number
  /**
   * Operations that left the outbox in this run (confirmed, rejected, merged away or in conflict).
   * Counted from the changes this hook has seen since it was first used.
   */
  done: number
  /** `done + pending`: every operation of this run. 0 when idle. */
  total: number
}

/** The actions of {@link useSyncActions}, bound to the store's `dispatch`. */
export interface BoundSyncActions {
  /** Send now: skip backoff waits and let a probe through an open circuit. */
  syncNow(): void
  /** Stop sending until `resume()`; changes are still applied and queued. */
  pause(): void
  /** Send again after `pause()`, or after fresh credentials. */
  resume(): void
  /** Queue failed operations again (all, or those operation ids). */
  retryFailed(opIds?: string[]): void
  /** Forget failed operations (all, or those operation ids); they were rolled back already. */
  discardFailed(opIds?: string[]): void
  /** Clear settled conflicts from the list (all, or those ids); open ones stay until resolved. */
  dismissConflicts(ids?: string[]): void
  /** Settle a parked conflict: keep the local change, take the server's record, or send a merged record. */
  resolveConflict(resolution: { id: string; choose: 'local' | 'remote' } | { id: string; merged: Record<string, unknown> | null }): void
  /** Pull remote changes now (of one entity, or all). */
  pullNow(entity?: string): void
}

/** One piece of the status banner's message, in the order shown. */
export interface SyncStatusPart {
  /** What the piece says; also set as `data-part` on its element by `SyncStatusBanner`. */
  kind: 'phase' | 'pending' | 'failed' | 'conflicts' | 'countdown'
  text: string
}

/** What `SyncStatusBanner` passes to a render function. */
export interface SyncBannerView {
  status: SyncStatus
  conflicts: SyncConflict[]
  /** Whole seconds until the next attempt while waiting out a backoff or an open circuit; null otherwise. */
  retryInSeconds: number | null
  /** The message as pieces, empty when everything is synced. */
  parts: SyncStatusPart[]
  /** The whole message in one line (`parts` joined with " · "), '' when everything is synced. */
  message: string
}
