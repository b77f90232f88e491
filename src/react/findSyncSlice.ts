import { SyncSetupError, type OutboxState } from 'rtk-offline'

/** Where `createOfflineSync` mounts its slice unless told otherwise. */
export const defaultReducerPath = 'offline'

/** Whether a value looks like an rtk-offline sync slice: the keys every `OutboxState` has. */
export function isSyncSlice(value: unknown): value is OutboxState {
  return (
    typeof value === 'object' &&
    value !== null &&
    'ops' in value &&
    'failed' in value &&
    'counts' in value &&
    'circuit' in value
  )
}

/**
 * Finds where the sync slice is mounted in a root state: under `'offline'` (the default), else under
 * the one top-level key that holds a sync slice. Throws when there is none, or more than one (then
 * the app must say which with `<OfflineSyncProvider sync={sync}>`).
 */
export function findSyncSlice(rootState: unknown): string {
  const root = (typeof rootState === 'object' && rootState !== null ? rootState : {}) as Record<string, unknown>
  if (isSyncSlice(root[defaultReducerPath])) return defaultReducerPath
  const found = Object.keys(root).filter((key) => isSyncSlice(root[key]))
  if (found.length === 1) return found[0]!
  if (found.length === 0)
    throw new SyncSetupError(
      "no sync slice in the store's state: mount it with `reducer: { [sync.reducerPath]: sync.reducer }`, " +
        'or wrap the app in <OfflineSyncProvider sync={sync}>.',
    )
  throw new SyncSetupError(
    `the store holds ${found.length} sync slices (${found.join(', ')}): ` +
      'wrap the components in <OfflineSyncProvider sync={sync}> to say which one they show.',
  )
}
