import type { EntityId } from '@reduxjs/toolkit'
import { deepFreezeAcyclic } from '../core/deepFreeze'
import { seqPath, trieEach, trieGet, trieSet, trieValues } from '../core/trie'
import type { Operation } from '../types'
import { opsAbandoned, rehydrated, senderElected, storageCorrupted, storageFailed, tabSynced } from '../slices/actions'
import { recount } from '../slices/outbox/operationLedger'
import { pullOf, restoreCursor } from '../slices/outbox/pullProgress'
import { on, type OutboxConfig, type SyncCase } from '../slices/outbox/syncCase'

/**
 * The sync slice's cases of persistence's actions: the restore, a live tab's state, the sending tab's
 * election and abandoned sends, storage health. Joined to the slice by createOfflineSync from its
 * `persist` option, so an app that never persists bundles none of them (they were cases of the slice's
 * parts until issue 10). Within a case the parts go in the slice's order: the conflict list, the status,
 * the operation ledger (the counters recounted with its `recount`), pull progress, storage health.
 */
export function persistenceOutboxCases(config: OutboxConfig): SyncCase[] {
  const ownsEntity = (entity: string) => config.priorities.has(entity)
  return [
    on(rehydrated, (state, { payload }) => {
      state.conflicts = [...payload.conflicts, ...state.conflicts]
      state.userId = payload.userId
      state.hydrated = true
      const renumber = new Map(payload.renumber)
      const waiting = trieValues(state.ops)
      const failed = trieValues(state.failed)
      state.ops = {}
      state.failed = {}
      // Each stored operation frozen as immer would freeze it, in one pass: immer then takes it as is
      // rather than walking it for drafts first (10,000 of them on a restore). deepFreeze: the operations
      // are plain JSON, which it freezes in about a third of immer's freeze's time.
      for (const op of payload.ops) {
        if (!ownsEntity(op.entity)) continue
        trieSet<Operation>(op.status === 'failed' ? state.failed : state.ops, seqPath(op.seq), deepFreezeAcyclic(op))
      }
      // Work made before the restore finished goes after the stored work, in the order it was made.
      for (const op of [...waiting, ...failed]) {
        const seq = renumber.get(op.seq) ?? op.seq
        trieSet<Operation>(op.status === 'failed' ? state.failed : state.ops, seqPath(seq), { ...op, seq })
      }
      state.nextSeq = Math.max(state.nextSeq, payload.nextSeq)
      recount(state)
      for (const [entity, cursor] of Object.entries(payload.cursors ?? {}))
        if (ownsEntity(entity) && state.pull[entity]?.cursor == null && !state.pull[entity]?.resyncing) restoreCursor(pullOf(state, entity), cursor)
      // Server-assigned ids: the stored pairs, under any this store learnt before the restore finished.
      if (payload.assignedIds) state.assignedIds = mergeIds(payload.assignedIds, state.assignedIds)
    }),
    on(tabSynced, (state, { payload }) => {
      state.conflicts = payload.conflicts
      state.ops = {}
      state.failed = {}
      for (const op of payload.ops) {
        if (!ownsEntity(op.entity)) continue
        const inflight = payload.resetInflight && op.status === 'inflight'
        trieSet<Operation>(op.status === 'failed' ? state.failed : state.ops, seqPath(op.seq), inflight ? { ...op, status: 'pending' } : op)
      }
      state.nextSeq = Math.max(state.nextSeq, payload.nextSeq)
      recount(state)
      for (const [entity, cursor] of Object.entries(payload.cursors)) if (ownsEntity(entity)) restoreCursor(pullOf(state, entity), cursor)
      if (payload.assignedIds) state.assignedIds = mergeIds(payload.assignedIds, state.assignedIds)
    }),
    on(opsAbandoned, (state, { payload }) => {
      for (const seq of payload.seqs) {
        const op = trieGet(state.ops, seqPath(seq))
        if (!op || op.status !== 'inflight') continue
        op.status = 'pending'
        state.counts.inflight -= 1
      }
    }),
    on(senderElected, (state) => {
      // Waiting for credentials was the tab that is gone's wait (it asked the app, and its answer may
      // never come): the new sender tries, and asks the app itself if the server says 401 again.
      state.authRequired = false
      // Sent by a tab that is gone: nobody waits for the answer, so they go again (same idempotency key).
      trieEach(state.ops, (op) => {
        if (op.status === 'inflight') op.status = 'pending'
      })
      state.counts.inflight = 0
    }),
    // Storage health (`state.storage`): stored values found unusable and moved aside, and why storage
    // cannot be used, if so.
    on(storageCorrupted, (state, { payload }) => {
      state.storage.problems.push(payload)
    }),
    on(storageFailed, (state, { payload }) => {
      state.storage.error = payload
    }),
  ]
}

/** Two id maps (server-assigned ids) as one, `over`'s pairs winning. */
function mergeIds(
  under: Record<string, Record<string, EntityId>>,
  over: Record<string, Record<string, EntityId>> | undefined,
): Record<string, Record<string, EntityId>> {
  const merged: Record<string, Record<string, EntityId>> = {}
  for (const entity of new Set([...Object.keys(under), ...Object.keys(over ?? {})])) merged[entity] = { ...under[entity], ...over?.[entity] }
  return merged
}
