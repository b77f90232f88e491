import { createSlice, isDraft, type UnknownAction } from '@reduxjs/toolkit'
import { closedCircuit } from '../core/circuitBreaker'
import { deepFreeze } from '../core/deepFreeze'
import { seqPath } from '../core/trie'
import { rehydrated, userSwitched } from './actions'
import { conflictListCases } from './outbox/conflictList'
import { isStampedEntityAction, operationLedgerCases } from './outbox/operationLedger'
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

  const slice = createSlice({
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
  const matcherCases = cases.filter((item) => 'matcher' in item)

  /**
   * An entity action (one per change the app makes: the hot path) skips immer, whose proxies were a fifth
   * of a dispatch's cost. The very same cases run on a copy of the state whose parts they write are fresh
   * objects: the root, the counters and, for each stamp's seq, the trie nodes on its path and the operation
   * there. Then those are frozen as immer would leave them (deepFreeze stops at what is frozen already).
   */
  function reduceStampsCopyOnWrite(state: OutboxState, action: UnknownAction & { meta: { offline: { entity: string; stamps: ReadonlyArray<{ seq: number }> } } }): OutboxState {
    // Another instance's entity: nothing of this slice changes, and its state keeps its identity.
    if (!config.priorities.has(action.meta.offline.entity)) return state
    const next: OutboxState = { ...state, counts: { ...state.counts, byEntity: { ...state.counts.byEntity } }, ops: { ...state.ops } }
    for (const { seq } of action.meta.offline.stamps) {
      const [top, mid, leaf] = seqPath(seq)
      const middle = next.ops[top]
      if (!middle) continue
      const leaves = middle[mid]
      next.ops[top] = { ...middle }
      if (!leaves) continue
      const op = leaves[leaf]
      next.ops[top][mid] = { ...leaves }
      if (op) next.ops[top][mid][leaf] = { ...op }
    }
    for (const item of matcherCases) if (item.matcher(action)) item.reduce(next, action)
    return deepFreeze(next)
  }

  const rehydratedCases = byType.get(rehydrated.type) ?? []
  /**
   * A restore (10,000 stored operations and more) skips immer too: writing each into a draft trie cost
   * proxies per node and a finalize walk. The very same cases run on a copy whose parts they write are
   * fresh objects: the root, the conflict list and each entity's pull progress (the ledger replaces the
   * tries and the counters whole, reading the old ones only). Then frozen once (the stored operations
   * are frozen by the ledger as it files them, so deepFreeze walks only the new trie nodes).
   */
  function reduceRehydratedCopyOnWrite(state: OutboxState, action: UnknownAction): OutboxState {
    const pull: OutboxState['pull'] = {}
    for (const entity of Object.keys(state.pull)) pull[entity] = { ...state.pull[entity]! }
    const next: OutboxState = { ...state, conflicts: [...state.conflicts], pull }
    for (const reduce of rehydratedCases) reduce(next, action)
    for (const item of matcherCases) if (item.matcher(action)) item.reduce(next, action)
    return deepFreeze(next)
  }

  const reducer = (state: OutboxState | undefined, action: UnknownAction): OutboxState => {
    if (state === undefined || isDraft(state)) return slice.reducer(state, action)
    if (isStampedEntityAction(action)) return reduceStampsCopyOnWrite(state, action)
    if (rehydrated.match(action)) return reduceRehydratedCopyOnWrite(state, action)
    return slice.reducer(state, action)
  }
  return { ...slice, reducer }
}
