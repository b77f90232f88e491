import { createSlice, isDraft, type UnknownAction } from '@reduxjs/toolkit'
import { closedCircuit } from '../core/circuitBreaker'
import { deepFreeze } from '../core/deepFreeze'
import { seqPath } from '../core/trie'
import { opsSent, opsSettled, rehydrated, userSwitched } from './actions'
import { conflictListCases } from './outbox/conflictList'
import { isStampedEntityAction, operationLedgerCases } from './outbox/operationLedger'
import { pullProgressCases } from './outbox/pullProgress'
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
 * ledger (which moves them), then pull progress; then persistence's cases, of actions no other part handles.
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
    // Persistence's actions (the restore, tabs, storage health), from rtk-offline/persist when the app persists.
    ...(config.persistenceCases ?? []),
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
   * Runs every part's case of `action` (by type, then the matchers, as the slice does) on `next`, a copy of
   * the state whose parts those cases write are fresh objects, and freezes it as immer would leave it
   * (deepFreeze stops at what is frozen already, so only the fresh parts are walked). The hot paths below
   * use it instead of immer; each case is written once and runs the same either way.
   */
  function reduceOn(next: OutboxState, action: UnknownAction): OutboxState {
    for (const reduce of byType.get(action.type) ?? []) reduce(next, action)
    for (const item of matcherCases) if (item.matcher(action)) item.reduce(next, action)
    return deepFreeze(next)
  }

  /**
   * A copy of the state whose parts an action of the hot path may write are fresh objects: the root, the
   * counters and, for each seq given, the trie nodes on its path in `ops` (and in `failed`) and the
   * operation there; `conflicts` when asked. The cases then run on it unchanged, and it is frozen as immer
   * would leave it (deepFreeze stops at what is frozen already, so only the fresh parts are walked).
   */
  function writableCopy(state: OutboxState, seqs: Iterable<number>, also: { failed: boolean; conflicts: boolean }): OutboxState {
    const next: OutboxState = { ...state, counts: { ...state.counts, byEntity: { ...state.counts.byEntity } }, ops: { ...state.ops } }
    if (also.failed) next.failed = { ...state.failed }
    if (also.conflicts) next.conflicts = [...state.conflicts]
    /** The nodes made here: another seq on the same path writes into them rather than copying again. */
    const fresh = new Set<object>()
    const own = <T extends object>(node: T): T => {
      if (fresh.has(node)) return node
      const made = { ...node }
      fresh.add(made)
      return made
    }
    for (const seq of seqs) {
      const [top, mid, leaf] = seqPath(seq)
      for (const trie of also.failed ? [next.ops, next.failed] : [next.ops]) {
        const middle = trie[top]
        if (!middle) continue
        const leaves = middle[mid]
        const middleCopy = (trie[top] = own(middle))
        if (!leaves) continue
        const leavesCopy = (middleCopy[mid] = own(leaves))
        const value = leaves[leaf]
        if (value) leavesCopy[leaf] = own(value)
      }
    }
    return next
  }

  /**
   * An entity action (one per change the app makes: the hot path) skips immer, whose proxies were a fifth
   * of a dispatch's cost: the very same cases run on a {@link writableCopy} with each stamp's seq.
   */
  function reduceStampsCopyOnWrite(state: OutboxState, action: UnknownAction & { meta: { offline: { entity: string; stamps: ReadonlyArray<{ seq: number }> } } }): OutboxState {
    // Another instance's entity: nothing of this slice changes, and its state keeps its identity.
    if (!config.priorities.has(action.meta.offline.entity)) return state
    return reduceOn(writableCopy(state, action.meta.offline.stamps.map((stamp) => stamp.seq), { failed: false, conflicts: false }), action)
  }

  /**
   * The drain's two actions per request (opsSent, then opsSettled with its answers) skip immer the same
   * way: every part's case of the action runs, in the slice's order, on a {@link writableCopy} covering
   * every seq the action names (a failure's dependents too, in `ops` and `failed`) and, when an answer is
   * a conflict, the conflict list. Under immer the ledger's trie updates and the parts' reads through
   * drafts were a tenth of a drain's CPU.
   */
  function reduceDrainCopyOnWrite(state: OutboxState, action: UnknownAction): OutboxState {
    let next: OutboxState
    if (opsSent.match(action)) next = writableCopy(state, action.payload.seqs, { failed: false, conflicts: false })
    else if (opsSettled.match(action)) {
      const results = action.payload.results
      const seqs = results.flatMap((result) => (result.type === 'failed' ? [result.seq, ...result.dependents] : [result.seq]))
      next = writableCopy(state, seqs, {
        failed: results.some((result) => result.type === 'failed'),
        conflicts: results.some((result) => result.type === 'conflict'),
      })
    } else return slice.reducer(state, action)
    return reduceOn(next, action)
  }

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
    return reduceOn({ ...state, conflicts: [...state.conflicts], pull }, action)
  }

  const reducer = (state: OutboxState | undefined, action: UnknownAction): OutboxState => {
    if (state === undefined || isDraft(state)) return slice.reducer(state, action)
    if (isStampedEntityAction(action)) return reduceStampsCopyOnWrite(state, action)
    if (action.type === opsSent.type || action.type === opsSettled.type) return reduceDrainCopyOnWrite(state, action)
    if (rehydrated.match(action)) return reduceRehydratedCopyOnWrite(state, action)
    return slice.reducer(state, action)
  }
  return { ...slice, reducer }
}
