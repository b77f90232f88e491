import type { UnknownAction } from '@reduxjs/toolkit'
import type { ReduxOfflineAction } from './types'

/** redux-offline's action types for a commit or rollback an action did not name. */
export const DEFAULT_COMMIT = 'Offline/DEFAULT_COMMIT'
export const DEFAULT_ROLLBACK = 'Offline/DEFAULT_ROLLBACK'

/**
 * The commit or rollback redux-offline 2.x dispatches when an effect ends (its send.js): the action's own
 * `commit`/`rollback`, or the default one carrying the queued action as `meta.offlineAction`; `payload` is
 * the effect's result (or error), replacing any payload of its own, and `meta` gains `success` and
 * `completed: true`.
 */
export function completionAction(queued: ReduxOfflineAction, success: boolean, payload: unknown): UnknownAction {
  const named = success ? queued.meta.offline.commit : queued.meta.offline.rollback
  const base: UnknownAction = named ?? { type: success ? DEFAULT_COMMIT : DEFAULT_ROLLBACK, meta: { offlineAction: queued } }
  return { ...base, payload, meta: { ...(base.meta as object | undefined), success, completed: true } }
}
