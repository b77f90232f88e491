import type { SyncStatus } from 'rtk-offline'
import type { SyncStatusPart } from './types'

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

const phaseText: Record<SyncStatus['phase'], string | null> = {
  idle: null,
  syncing: 'Syncing',
  offline: 'Offline',
  backoff: 'Waiting to retry',
  'circuit-open': 'Server unavailable',
  paused: 'Sync paused',
  'auth-required': 'Sign in to sync',
}

/**
 * The status banner's message as pieces: the phase ("Offline", "Syncing", "Server unavailable"…), then
 * "3 pending", "1 failed", "2 conflicts", then "retry in 12 s" while waiting out a backoff or an open
 * circuit. Empty when everything is synced. For banners of your own, or other languages as a model.
 *
 * @param status what `useSyncStatus()` returns
 * @param conflicts how many conflicts to mention
 * @param retryInSeconds seconds until the next attempt (`useRetryCountdown(status.nextAttemptAt)`), or null
 * @example
 * ```ts
 * describeSyncStatus({ ...status, phase: 'offline', pending: 3 }, 0, null).map((part) => part.text).join(' · ')
 * // 'Offline · 3 pending'
 * ```
 */
export function describeSyncStatus(status: SyncStatus, conflicts: number, retryInSeconds: number | null): SyncStatusPart[] {
  const parts: SyncStatusPart[] = []
  const phase = phaseText[status.phase]
  if (phase) parts.push({ kind: 'phase', text: phase })
  if (status.pending > 0) parts.push({ kind: 'pending', text: `${status.pending} pending` })
  if (status.failed > 0) parts.push({ kind: 'failed', text: `${status.failed} failed` })
  if (conflicts > 0) parts.push({ kind: 'conflicts', text: plural(conflicts, 'conflict', 'conflicts') })
  const waiting = status.phase === 'backoff' || status.phase === 'circuit-open'
  if (waiting && retryInSeconds !== null)
    parts.push({ kind: 'countdown', text: retryInSeconds > 0 ? `retry in ${retryInSeconds} s` : 'retrying now' })
  return parts
}
