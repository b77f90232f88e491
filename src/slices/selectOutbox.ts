import { SyncSetupError } from '../core/errors'
import type { OutboxState } from './outboxState'

/** The sync slice in the root state, or a setup error that says how to mount it. */
export function selectOutbox(rootState: unknown, reducerPath: string): OutboxState {
  const outbox = (rootState as Record<string, OutboxState | undefined>)?.[reducerPath]
  if (!outbox || typeof outbox !== 'object' || !('ops' in outbox))
    throw new SyncSetupError(`the sync slice is not mounted: add \`${reducerPath}: sync.reducer\` to the store's reducer.`)
  return outbox
}
