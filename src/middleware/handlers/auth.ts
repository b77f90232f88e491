import type { SyncErrorInfo } from '../../core/errors'
import { authRestored } from '../../slices/actions'
import type { SyncEngine, SyncHandler } from '../syncHandler'

/** The auth handler: what push and pull call when the server refuses them for credentials (401, 403). */
export interface AuthHandler extends SyncHandler {
  /**
   * Asks the app for fresh credentials (`onAuthError`); true when sending and pulling may go on, after
   * `authRestored`. Without an `onAuthError`, or when it says no or throws, they wait for `resume()`.
   */
  refreshCredentials(error: SyncErrorInfo | null): Promise<boolean>
}

export function buildAuthHandler(engine: SyncEngine): AuthHandler {
  const { config, api } = engine
  return {
    name: 'auth',
    // It reacts to no action of its own: push and pull ask it while they wait.
    listeners: [],
    async refreshCredentials(error) {
      if (!config.onAuthError) return false
      let restored = false
      try {
        restored = (await config.onAuthError(error)) === true
      } catch (cause) {
        config.onError(cause, { raisedBy: 'onAuthError' })
      }
      if (restored) api.dispatch(authRestored())
      return restored
    },
  }
}
