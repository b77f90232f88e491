import type { SyncStatus } from 'rtk-offline'
import type { SyncProgress } from './types'

function sameProgress(a: SyncProgress, b: SyncProgress): boolean {
  return (Object.keys(a) as Array<keyof SyncProgress>).every((key) => a[key] === b[key])
}

/**
 * Follows the pending count from status to status and counts a run: operations added raise `total`,
 * operations that leave the outbox raise `done`; an empty outbox ends the run. Returns the same object
 * until one of its numbers changes, as `useSyncExternalStore` needs.
 */
export function createProgressTracker(): (status: SyncStatus) => SyncProgress {
  let last: SyncStatus | null = null
  let progress: SyncProgress | null = null
  return (status) => {
    if (status === last && progress) return progress
    const delta = last ? status.pending - last.pending : 0
    // A new run (or the first status seen) starts from the operations waiting now.
    const fresh = !progress || status.pending === 0 || !progress.isActive
    const done = fresh ? 0 : progress!.done + Math.max(0, -delta)
    const next: SyncProgress = {
      phase: status.phase,
      isActive: status.pending > 0,
      pending: status.pending,
      inflight: status.inflight,
      done,
      total: fresh ? status.pending : progress!.total + Math.max(0, delta),
    }
    if (!progress || !sameProgress(progress, next)) progress = next
    last = status
    return progress
  }
}
