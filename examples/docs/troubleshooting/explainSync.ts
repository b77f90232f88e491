import { createSyncSelectors } from 'rtk-offline'

const sync = createSyncSelectors('offline') // your createOfflineSync's reducerPath

/** Says in a sentence why changes are not reaching the server: log it, or show it on a debug screen. */
export function explainSync(state: unknown): string {
  const status = sync.selectStatus(state)
  const storage = sync.selectStorage(state)
  if (storage.error) return `storage unusable (${storage.error.code}): ${storage.error.message}; working in memory`
  switch (status.phase) {
    case 'offline':
      return `offline: ${status.pending} changes wait for the network status to say online`
    case 'paused':
      return 'paused: dispatch resume()'
    case 'auth-required':
      return `the server refused the credentials (${status.lastError?.status}): onAuthError must return true, or dispatch resume()`
    case 'circuit-open':
      return `too many failures in a row; next try at ${new Date(status.nextAttemptAt ?? 0).toISOString()}: ${status.lastError?.message}`
    case 'backoff':
      return `retrying at ${new Date(status.nextAttemptAt ?? 0).toISOString()} after: ${status.lastError?.message}`
  }
  const failed = sync.selectFailed(state)
  if (failed.length > 0) return `${failed.length} changes refused, first: ${failed[0]!.lastError?.message}`
  if (status.conflicts > 0) return `${status.conflicts} conflicts wait for a person (selectOpenConflicts)`
  return `${status.phase}: ${status.pending} pending`
}
