import { useContext, useMemo } from 'react'
import { useDispatch } from 'react-redux'
import { discardFailed, dismissConflicts, pause, pullNow, resolveConflict, resume, retryFailed, syncNow } from 'rtk-offline'
import { OfflineSyncContext } from './OfflineSyncProvider'
import type { BoundSyncActions } from './types'

/** `onClick={retryFailed}` passes a click event: anything but an array of ids means all. */
const idsOrAll = (ids: unknown): string[] | undefined => (Array.isArray(ids) ? (ids as string[]) : undefined)

const defaultActions = { syncNow, pause, resume, retryFailed, discardFailed, dismissConflicts, resolveConflict, pullNow }

/**
 * The actions that steer sync, bound to the store's `dispatch`; the same object on every render:
 * syncNow, pause, resume, retryFailed, discardFailed, dismissConflicts (settled ones),
 * resolveConflict (a parked one: `{ id, choose: 'local' | 'remote' }` or `{ id, merged }`) and pullNow.
 *
 * @example
 * ```tsx
 * function SyncControls() {
 *   const { phase } = useSyncStatus()
 *   const { syncNow, pause, resume } = useSyncActions()
 *   return (
 *     <>
 *       <button onClick={() => syncNow()}>Sync now</button>
 *       {phase === 'paused' ? <button onClick={() => resume()}>Resume</button> : <button onClick={() => pause()}>Pause</button>}
 *     </>
 *   )
 * }
 * ```
 */
export function useSyncActions(): BoundSyncActions {
  const dispatch = useDispatch()
  const actions = useContext(OfflineSyncContext)?.actions ?? defaultActions
  return useMemo(
    () => ({
      syncNow: () => void dispatch(actions.syncNow()),
      pause: () => void dispatch(actions.pause()),
      resume: () => void dispatch(actions.resume()),
      retryFailed: (opIds?: string[]) => void dispatch(actions.retryFailed(idsOrAll(opIds))),
      discardFailed: (opIds?: string[]) => void dispatch(actions.discardFailed(idsOrAll(opIds))),
      dismissConflicts: (ids?: string[]) => void dispatch(actions.dismissConflicts(idsOrAll(ids))),
      resolveConflict: (resolution: Parameters<typeof resolveConflict>[0]) => void dispatch(actions.resolveConflict(resolution)),
      pullNow: (entity?: string) => void dispatch(actions.pullNow(entity)),
    }),
    [dispatch, actions],
  )
}
