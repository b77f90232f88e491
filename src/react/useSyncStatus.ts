import { useSelector } from 'react-redux'
import type { SyncStatus } from 'rtk-offline'
import { useSyncReader } from './useSyncReader'

/**
 * Where sync stands: `{ phase, online, pending, inflight, failed, nextAttemptAt, lastSyncedAt, lastError }`.
 * Re-renders only when one of these changes.
 *
 * @example
 * ```tsx
 * function SyncDot() {
 *   const { phase, pending } = useSyncStatus()
 *   return <span title={phase}>{pending > 0 ? `${pending} unsaved` : 'Saved'}</span>
 * }
 * ```
 */
export function useSyncStatus(): SyncStatus {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectStatus(state))
}
