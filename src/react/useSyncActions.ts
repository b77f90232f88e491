import { useContext, useMemo } from 'react'
import { useDispatch } from 'react-redux'
import { discardFailed, dismissConflicts, pause, resume, retryFailed, syncNow } from 'rtk-offline'
import { OfflineSyncContext } from './OfflineSyncProvider'
import type { BoundSyncActions } from './types'

/** `onClick={retryFailed}` passes a click event: anything but an array of ids means all. */
const idsOrAll = (ids: unknown): string[] | undefined => (Array.isArray(ids) ? (ids as string[]) : undefined)

const defaultActions = { syncNow, pause, resume, retryFailed, discardFailed, dismissConflicts }

/**
 * The actions that steer sync, bound to the store's `dispatch`; the same object on every render.
 * Resolving a conflict by choosing a side comes with conflict strategies; today the server wins and
 * `dismissConflicts` clears the list.
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
    }),
    [dispatch, actions],
  )
}
