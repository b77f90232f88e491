import { createSelector } from '@reduxjs/toolkit'
import type { EntityId, Operation, OutboxState, SyncPhase, SyncStatus, Trie } from 'rtk-offline'
import { isSyncSlice } from './findSyncSlice'
import type { SyncReader } from './types'

/*
 * A stand-in for `sync.selectors` built from the sync slice alone, so the hooks work without an
 * OfflineSyncProvider. It reads only the public `OutboxState`. It goes away once the core can hand out
 * an instance's selectors by reducerPath (see docs/react.md, "Finding the sync instance"); until then
 * test/react/createStateSyncReader.test.tsx checks it agrees with the core's selectors step by step.
 */

/** Every value of a trie, in key order (for seq keys: oldest first). */
function trieValues<TValue>(trie: Trie<TValue>): TValue[] {
  const out: TValue[] = []
  for (const middle of Object.values(trie))
    for (const leaves of Object.values(middle)) for (const value of Object.values(leaves)) out.push(value)
  return out
}

/** The same rule as the core's `selectStatus`. */
function phaseOf(outbox: OutboxState): SyncPhase {
  if (outbox.paused) return 'paused'
  if (outbox.authRequired) return 'auth-required'
  if (!outbox.online) return 'offline'
  if (outbox.circuit.state === 'open') return 'circuit-open'
  if (outbox.counts.inflight > 0) return 'syncing'
  if (outbox.counts.pending > 0) return outbox.nextAttemptAt !== null ? 'backoff' : 'syncing'
  return 'idle'
}

/** Builds selectors equivalent to `sync.selectors` for the sync slice mounted under `reducerPath`. */
export function createStateSyncReader(reducerPath: string): SyncReader {
  const selectSyncState = (state: unknown): OutboxState => {
    const outbox = (state as Record<string, unknown> | null | undefined)?.[reducerPath]
    if (!isSyncSlice(outbox))
      throw new Error(`rtk-offline/react: the sync slice is not mounted under "${reducerPath}" in the store's state.`)
    return outbox
  }
  const selectStatus = createSelector(
    [
      (state: unknown) => phaseOf(selectSyncState(state)),
      (state: unknown) => selectSyncState(state).online,
      (state: unknown) => selectSyncState(state).counts,
      (state: unknown) => {
        const outbox = selectSyncState(state)
        return outbox.circuit.state === 'open' ? outbox.circuit.openUntil : outbox.nextAttemptAt
      },
      (state: unknown) => selectSyncState(state).lastSyncedAt,
      (state: unknown) => selectSyncState(state).lastError,
    ],
    (phase, online, counts, nextAttemptAt, lastSyncedAt, lastError): SyncStatus => ({
      phase,
      online,
      pending: counts.pending,
      inflight: counts.inflight,
      failed: counts.failed,
      nextAttemptAt,
      lastSyncedAt,
      lastError,
    }),
  )
  const selectFailed = createSelector([(state: unknown) => selectSyncState(state).failed], (failed) => trieValues(failed))
  // Records with an operation in the outbox, by entity: built once per outbox change, then O(1) per record.
  const selectPendingIds = createSelector([(state: unknown) => selectSyncState(state).ops], (ops) => {
    const byEntity = new Map<string, Set<EntityId>>()
    for (const op of trieValues<Operation>(ops)) {
      let ids = byEntity.get(op.entity)
      if (!ids) byEntity.set(op.entity, (ids = new Set()))
      ids.add(op.recordId)
    }
    return byEntity
  })
  return {
    selectStatus,
    selectPendingCount(state, entity) {
      const { counts } = selectSyncState(state)
      return entity === undefined ? counts.pending : (counts.byEntity[entity] ?? 0)
    },
    selectIsPending: (state, entity, id) => selectPendingIds(state).get(entity)?.has(id) ?? false,
    selectFailed,
    selectConflicts: (state) => selectSyncState(state).conflicts,
  }
}
