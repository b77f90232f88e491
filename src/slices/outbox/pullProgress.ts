import type { OutboxState, PullProgress } from '../outboxState'
import { pulledPage, pullFailed, pullStarted, pullStartedOver } from '../actions'
import { on, type OutboxConfig, type SyncCase } from './syncCase'

/** An entity's pull progress, made when first needed. */
export const pullOf = (state: OutboxState, entity: string): PullProgress =>
  (state.pull[entity] ??= {
    cursor: null,
    status: 'idle',
    pages: 0,
    records: 0,
    attempts: 0,
    lastPulledAt: null,
    error: null,
    nextAttemptAt: null,
    resyncing: false,
  })

/**
 * How storage and the other tabs hold a pull that is starting over (see `PullProgress.resyncing`): as this
 * cursor, so the stored shape stays a cursor per entity and a restore starts the whole feed over again.
 */
const RESYNC_CURSOR = '\u0000rtk-offline:resync'

/** The cursor to store (or share with tabs) for an entity's pull. */
export const storedCursorOf = (pull: PullProgress): string | null => (pull.resyncing ? RESYNC_CURSOR : pull.cursor)

/** Sets an entity's pull from a stored (or shared) cursor. */
export function restoreCursor(pull: PullProgress, stored: string | null): void {
  pull.resyncing = stored === RESYNC_CURSOR
  pull.cursor = pull.resyncing ? null : stored
}

/** Pull progress and cursors, by entity (`state.pull`). */
export function pullProgressCases(config: OutboxConfig): SyncCase[] {
  const ownsEntity = (entity: string) => config.priorities.has(entity)
  return [
    on(pullStarted, (state, { payload }) => {
      if (!ownsEntity(payload.entity)) return
      const pull = pullOf(state, payload.entity)
      pull.status = 'pulling'
      pull.pages = 0
      pull.records = 0
    }),
    on(pulledPage, (state, { payload }) => {
      if (!ownsEntity(payload.entity)) return
      const pull = pullOf(state, payload.entity)
      pull.cursor = payload.cursor
      pull.pages += 1
      pull.records += payload.changes.length
      pull.status = payload.hasMore ? 'pulling' : 'idle'
      pull.attempts = 0
      pull.error = null
      pull.nextAttemptAt = null
      pull.lastPulledAt = payload.at
      if (payload.resyncing !== undefined) pull.resyncing = payload.resyncing
    }),
    on(pullStartedOver, (state, { payload }) => {
      if (!ownsEntity(payload.entity)) return
      const pull = pullOf(state, payload.entity)
      pull.cursor = null
      pull.resyncing = true
    }),
    on(pullFailed, (state, { payload }) => {
      if (!ownsEntity(payload.entity)) return
      const pull = pullOf(state, payload.entity)
      pull.status = 'error'
      pull.attempts += 1
      pull.error = payload.error
      pull.nextAttemptAt = payload.nextAttemptAt
    }),
  ]
}
