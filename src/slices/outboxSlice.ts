import { createSlice, type UnknownAction } from '@reduxjs/toolkit'
import { closedCircuit } from '../core/circuitBreaker'
import { userSwitched } from './actions'
import { conflictListCases } from './outbox/conflictList'
import { operationLedgerCases } from './outbox/operationLedger'
import { pullProgressCases } from './outbox/pullProgress'
import { storageHealthCases } from './outbox/storageHealth'
import type { OutboxConfig, SyncCase } from './outbox/syncCase'
import { syncStatusCases } from './outbox/syncStatus'
import type { OutboxState } from './outboxState'

export type { OutboxCounts, OutboxState, PullProgress, StorageProblem, SyncConflict } from './outboxState'
export type { OutboxConfig } from './outbox/syncCase'
export { isStampedEntityAction, mayHaveBeenSent } from './outbox/operationLedger'

/**
 * Builds the reducer of the sync slice for one `createOfflineSync` instance: its parts (./outbox) combined
 * into one reducer over one state. For an action several parts handle, their cases run in this order: the
 * conflict list and the status first (they read the operations an answer is about), then the operation
 * ledger (which moves them), then pull progress and storage health.
 */
export function buildOutboxSlice(config: OutboxConfig) {
  const initialState = (): OutboxState => ({
    nextSeq: 1,
    ops: {},
    failed: {},
    conflicts: [],
    counts: { pending: 0, inflight: 0, parked: 0, failed: 0, byEntity: {} },
    online: config.isOnline(),
    paused: false,
    authRequired: false,
    circuit: closedCircuit,
    nextAttemptAt: null,
    lastSyncedAt: null,
    lastError: null,
    hydrated: !config.persistent,
    userId: null,
    storage: { problems: [], error: null },
    pull: {},
  })

  const cases: SyncCase[] = [
    ...conflictListCases(config),
    ...syncStatusCases(config),
    ...operationLedgerCases(config),
    ...pullProgressCases(config),
    ...storageHealthCases(),
  ]
  const byType = new Map<string, Array<SyncCase['reduce']>>()
  for (const item of cases) if ('type' in item) byType.set(item.type, [...(byType.get(item.type) ?? []), item.reduce])

  return createSlice({
    name: config.reducerPath,
    initialState,
    reducers: {},
    extraReducers: (builder) => {
      // Another user signed in (or out): that user's outbox starts empty, waiting for its restore.
      builder.addCase(userSwitched, (state, { payload }) => {
        const fresh = initialState()
        return { ...fresh, online: state.online, paused: state.paused, userId: payload.userId, hydrated: payload.hydrated }
      })
      for (const [type, reducers] of byType)
        builder.addCase(type, (state, action: UnknownAction) => {
          for (const reduce of reducers) reduce(state, action)
        })
      for (const item of cases) if ('matcher' in item) builder.addMatcher(item.matcher, item.reduce)
    },
  })
}
